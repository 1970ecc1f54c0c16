//! The attributes of the `venv-plugin` guest SDK. Each turns one function
//! into one hook of `venv:plugin@0.2.0`: it generates that hook's world
//! (with wit-bindgen, sharing the SDK's bindings of the imports and the
//! context through `with`), implements the exported interface by calling
//! the function, and exports it. Several attributes in one crate make one
//! component with several hooks. Use them through `venv_plugin`:
//!
//! ```ignore
//! #[venv_plugin::post_setup]
//! fn hook(ctx: &venv_plugin::Context) -> venv_plugin::Result { Ok(()) }
//! ```

use proc_macro::TokenStream;
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{parse_macro_input, ItemFn, LitStr, Token};

/// The contract the SDK is built against (`wit/plugin.wit` of this repository).
const WIT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../wit");

/// `wit_bindgen::generate!` for `world`, in module `module`, reusing the
/// SDK's bindings for everything imported.
fn world(
    module: &syn::Ident,
    world: &str,
    body: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    // The interfaces each world imports besides `types` and `host`.
    let extra: &[&str] = match world {
        "post-setup-plugin" => &["runner"],
        "seeder-plugin" => &["wheels"],
        _ => &[],
    };
    let mut with = vec![quote! {
        "venv:plugin/types@0.2.0": ::venv_plugin::bindings::venv::plugin::types,
        "venv:plugin/host@0.2.0": ::venv_plugin::bindings::venv::plugin::host,
    }];
    for name in extra {
        let key = format!("venv:plugin/{name}@0.2.0");
        let module = format_ident!("{}", name);
        with.push(quote! { #key: ::venv_plugin::bindings::venv::plugin::#module, });
    }
    quote! {
        #[doc(hidden)]
        #[allow(warnings)]
        mod #module {
            ::venv_plugin::wit_bindgen::generate!({
                path: #WIT_DIR,
                world: #world,
                with: { #(#with)* },
                runtime_path: "::venv_plugin::wit_bindgen::rt",
            });
            struct Hook;
            #body
            export!(Hook);
        }
    }
}

/// A context-only hook (post-setup, activator, seeder): `fn(&Context) -> Result`.
fn context_hook(item: TokenStream, world_name: &str, interface: &str, method: &str) -> TokenStream {
    let func = parse_macro_input!(item as ItemFn);
    let name = &func.sig.ident;
    let module = format_ident!("__venv_plugin_{}", interface.replace('-', "_"));
    let iface = format_ident!("{}", interface.replace('-', "_"));
    let method = format_ident!("{}", method);
    let body = quote! {
        impl exports::venv::plugin::#iface::Guest for Hook {
            fn #method(ctx: ::venv_plugin::bindings::venv::plugin::types::Context) -> ::core::result::Result<(), ::venv_plugin::__String> {
                ::venv_plugin::__finish(super::#name(&::venv_plugin::Context::from(ctx)))
            }
        }
    };
    let generated = world(&module, world_name, body);
    quote!(#func #generated).into()
}

/// `post-setup`: `fn(&Context) -> venv_plugin::Result`. The environment is
/// at `ctx.env_dir`; `run_python`/`run_in_env` work with their grants.
#[proc_macro_attribute]
pub fn post_setup(_attr: TokenStream, item: TokenStream) -> TokenStream {
    context_hook(item, "post-setup-plugin", "post-setup", "post_setup")
}

/// `activator`: `fn(&Context) -> venv_plugin::Result`; writes scripts into
/// `ctx.bin_path` (`ctx.write_bin`).
#[proc_macro_attribute]
pub fn activator(_attr: TokenStream, item: TokenStream) -> TokenStream {
    context_hook(item, "activator-plugin", "activator", "create_activators")
}

/// `seeder`: `fn(&Context) -> venv_plugin::Result`; installs wheels with
/// `venv_plugin::install_wheel`.
#[proc_macro_attribute]
pub fn seeder(_attr: TokenStream, item: TokenStream) -> TokenStream {
    context_hook(item, "seeder-plugin", "seeder", "seed")
}

/// `scm-ignore`: `#[scm_ignore("hg", ...)]` on `fn(scm: &str, &Context) ->
/// venv_plugin::Result`. The names are what `supported-scms` returns; the
/// function is called only with one of them.
#[proc_macro_attribute]
pub fn scm_ignore(attr: TokenStream, item: TokenStream) -> TokenStream {
    let names = parse_macro_input!(attr with Punctuated::<LitStr, Token![,]>::parse_terminated);
    let func = parse_macro_input!(item as ItemFn);
    let name = &func.sig.ident;
    let names: Vec<String> = names.iter().map(LitStr::value).collect();
    let module = format_ident!("__venv_plugin_scm_ignore");
    let body = quote! {
        const SCMS: &[&str] = &[#(#names),*];
        impl exports::venv::plugin::scm_ignore::Guest for Hook {
            fn supported_scms() -> ::venv_plugin::__Vec<::venv_plugin::__String> {
                SCMS.iter().map(|s| (*s).into()).collect()
            }
            fn create_ignore_file(scm: ::venv_plugin::__String, ctx: ::venv_plugin::bindings::venv::plugin::types::Context) -> ::core::result::Result<(), ::venv_plugin::__String> {
                if !SCMS.contains(&scm.as_str()) {
                    return Err(::venv_plugin::__unserved(&scm, SCMS));
                }
                ::venv_plugin::__finish(super::#name(&scm, &::venv_plugin::Context::from(ctx)))
            }
        }
    };
    let generated = world(&module, "scm-ignore-plugin", body);
    quote!(#func #generated).into()
}
