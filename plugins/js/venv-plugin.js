// Helpers for venv plugins written in JavaScript (componentize-js through
// jco), the counterpart of the Rust SDK (plugins/venv-plugin) for
// `venv:plugin@0.2.0`. A hook is a function and one export line:
//
//     import * as vp from "./venv-plugin.js";
//     export const postSetup = vp.postSetup((ctx) => vp.writeEnv(ctx, "note.txt", "hi\n"));
//
// (examples/js-hook/hook.js; build with its build.sh, which uses js.wit). `postSetup`, `activator` and `seeder` take
// `fn(ctx)`; `scmIgnore(["hg"], fn)` takes `fn(scm, ctx)`. An Error thrown
// by the function fails the hook with its message. Files: the WASI
// filesystem the host preopens, through `writeEnv`/`writeBin`.

import { log, progress as hostProgress } from "venv:plugin/host@0.2.0";
import { getDirectories } from "wasi:filesystem/preopens@0.2.12";

export class HookError extends Error {}

/** The last value given for `key` (--plugin-opt NAME.key=value). */
export function option(ctx, key, fallback) {
  for (let i = ctx.options.length - 1; i >= 0; i--) {
    const [k, v] = ctx.options[i];
    if (k === key) return v;
  }
  return fallback;
}

/** The option `key`, or a HookError saying how to pass it. */
export function require(ctx, key) {
  const value = option(ctx, key);
  if (value === undefined) {
    throw new HookError(`needs the option ${key} (--plugin-opt PLUGIN.${key}=VALUE)`);
  }
  return value;
}

export const progress = (text) => hostProgress(String(text));
export const debug = (m) => log("debug", String(m));
export const info = (m) => log("info", String(m));
export const warn = (m) => log("warn", String(m));
export const error = (m) => log("error", String(m));

/** Writes `text` to `rel` under the preopened directory `dir`; returns the path. */
function write(dir, rel, text) {
  const found = getDirectories().find(([, path]) => path === dir);
  if (!found) throw new HookError(`${dir} is not open to this hook`);
  const bytes = new TextEncoder().encode(text);
  const file = found[0].openAt({}, rel, { create: true, truncate: true }, { write: true });
  let at = 0;
  while (at < bytes.length) {
    at += Number(file.write(bytes.subarray(at), BigInt(at)));
  }
  return `${dir}/${rel}`;
}

/** Writes `text` to `rel` inside the environment; returns the path. */
export const writeEnv = (ctx, rel, text) => write(ctx.envDir, rel, text);

/** Writes `text` to `name` in the environment's bin (activator hooks). */
export const writeBin = (ctx, name, text) => write(ctx.binPath, name, text);

function call(fn, ...args) {
  try {
    fn(...args);
  } catch (e) {
    // A result's error case carries a string.
    throw e instanceof Error ? e.message : String(e);
  }
}

/** The object to export as `postSetup` (interface venv:plugin/post-setup). */
export const postSetup = (fn) => ({ postSetup: (ctx) => call(fn, ctx) });
/** The object to export as `activator`. */
export const activator = (fn) => ({ createActivators: (ctx) => call(fn, ctx) });
/** The object to export as `seeder`. */
export const seeder = (fn) => ({ seed: (ctx) => call(fn, ctx) });
/** The object to export as `scmIgnore`. */
export const scmIgnore = (scms, fn) => ({
  supportedScms: () => scms,
  createIgnoreFile: (scm, ctx) => {
    if (!scms.includes(scm)) throw `asked for SCM ${scm}; this plugin serves ${scms.join(", ")}`;
    call(fn, scm, ctx);
  },
});
