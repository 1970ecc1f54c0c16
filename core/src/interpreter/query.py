# Asked of a base interpreter once (then cached): everything `venv` needs to
# know about it. Written in a syntax every Python 2.7+ parses, so that an old or
# wrong interpreter still answers with its version instead of a traceback.
import sys

# `-c` puts the current directory first on sys.path: drop it so that a stray
# json.py or os.py there cannot answer for the interpreter.
if sys.path and sys.path[0] == "":
    del sys.path[0]

import json  # noqa: E402
import os  # noqa: E402

info = {"query_version": 5, "version": list(sys.version_info[:3]),
        "releaselevel": sys.version_info[3]}
impl = getattr(sys, "implementation", None)
info["implementation"] = impl.name if impl is not None else "cpython"

if sys.version_info >= (3, 8):
    import sysconfig

    info["executable"] = sys.executable
    info["base_executable"] = getattr(sys, "_base_executable", None) or ""
    info["real_executable"] = os.path.realpath(sys.executable)
    info["prefix"] = sys.prefix
    info["base_prefix"] = sys.base_prefix
    info["is_64bit"] = sys.maxsize > 2 ** 32
    info["platform"] = sys.platform
    info["os_name"] = os.name
    info["pathsep"] = os.pathsep
    info["gil_disabled"] = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    info["base_purelib"] = sysconfig.get_paths()["purelib"]

    # Facts the layout rules key on (see plan.rs).
    info["cache_tag"] = getattr(impl, "cache_tag", None) or ""
    info["fs_encoding"] = sys.getfilesystemencoding()
    info["platlibdir"] = getattr(sys, "platlibdir", "lib")
    info["framework"] = sysconfig.get_config_var("PYTHONFRAMEWORK") or ""
    info["is_python_build"] = bool(sysconfig.is_python_build())
    exe_dir = os.path.dirname(os.path.abspath(info["base_executable"] or sys.executable))
    try:
        names = sorted(os.listdir(exe_dir))
    except OSError:
        names = []
    if os.name == "nt":
        # The executables and DLLs beside the base (venv links or copies some).
        info["exe_dir_files"] = [n for n in names
                                 if os.path.splitext(n)[1].lower() in (".exe", ".dll")]
    else:
        # Shared libraries beside the base (PyPy's libpypy*-c.so).
        info["exe_dir_files"] = [n for n in names if n.startswith("libpypy")]
    try:
        import venv
        scripts = os.path.join(os.path.dirname(venv.__file__), "scripts")
        info["venv_scripts_dir"] = scripts
        info["venv_nt_scripts"] = sorted(os.listdir(os.path.join(scripts, "nt"))) \
            if os.name == "nt" else []
    except Exception:
        info["venv_scripts_dir"] = ""
        info["venv_nt_scripts"] = []
    # Whether this venv's --copies makes a link to the resolved file when
    # the source is a link (PyPy 3.11's symlink_or_copy does, so that the
    # interpreter still finds its libraries) rather than a copy: asked of
    # the base's own EnvBuilder on a link in a scratch directory.
    info["copies_resolve_links"] = False
    if os.name != "nt":
        import shutil
        import tempfile
        scratch = tempfile.mkdtemp()
        try:
            import venv
            target = os.path.join(scratch, "target")
            open(target, "w").close()
            os.symlink(target, os.path.join(scratch, "link"))
            builder = venv.EnvBuilder(symlinks=False)
            builder.symlink_or_copy(os.path.join(scratch, "link"), os.path.join(scratch, "made"))
            info["copies_resolve_links"] = os.path.islink(os.path.join(scratch, "made"))
        except Exception:
            pass
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    base = info["base_executable"] or sys.executable
    info["base_executable_resolved"] = os.path.realpath(base) if os.path.islink(base) else ""
    # A portable PyPy 3.11 lists what --copies takes from ../lib.
    deps = os.path.join(exe_dir, "..", "lib", "PYPY_PORTABLE_DEPS.txt")
    info["portable_deps"] = None
    if os.path.isfile(deps):
        listed = []
        with open(deps) as lines:
            for name in lines:
                name = name.strip()
                path = os.path.join(os.path.dirname(deps), name)
                if name and os.path.isdir(path) and not os.path.islink(path):
                    for top, _, files in os.walk(path):
                        listed += sorted(os.path.relpath(os.path.join(top, f), os.path.dirname(deps))
                                         for f in files)
                elif name and os.path.lexists(path):
                    listed.append(name)
        info["portable_deps"] = listed

    # Shared libraries this interpreter loaded from the lib directory beside
    # its bin directory (a portable PyPy's libffi, ...): all a copied
    # interpreter needs from there. Linux only (/proc).
    own_libs = []
    lib_dir = os.path.realpath(os.path.join(exe_dir, "..", "lib"))
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                if os.path.dirname(path) == lib_dir and path not in own_libs:
                    own_libs.append(path)
    except Exception:
        pass
    info["own_libs"] = own_libs

    # The layout CPython's venv uses: the "venv" sysconfig scheme when the
    # interpreter has one (3.11+), else the fixed layout of older releases.
    marker = "/@venv-base@"
    scheme = {}
    if "venv" in sysconfig.get_scheme_names():
        base_vars = {"base": marker, "platbase": marker,
                     "installed_base": marker, "installed_platbase": marker}
        for key in ("scripts", "include", "purelib", "platlib"):
            path = sysconfig.get_path(key, scheme="venv", vars=base_vars)
            scheme[key] = os.path.relpath(path, marker).replace(os.sep, "/")
    elif os.name == "nt":
        scheme = {"scripts": "Scripts", "include": "Include",
                  "purelib": "Lib/site-packages", "platlib": "Lib/site-packages"}
    else:
        # PyPy's venv names the directory after itself (lib/pypy3.9).
        name = "pypy" if info["implementation"] == "pypy" else "python"
        site = "lib/%s%d.%d/site-packages" % ((name,) + tuple(sys.version_info[:2]))
        scheme = {"scripts": "bin", "include": "include",
                  "purelib": site, "platlib": site}
    info["scheme"] = scheme

    # ensurepip and the wheels it would install, in the order it installs them.
    wheels = []
    has_ensurepip = False
    try:
        import ensurepip
        has_ensurepip = True
        bundled = os.path.join(os.path.dirname(ensurepip.__file__), "_bundled")
        if hasattr(ensurepip, "_get_packages"):
            for name, pkg in ensurepip._get_packages().items():
                path = pkg.wheel_path or os.path.join(bundled, pkg.wheel_name)
                wheels.append({"name": name, "version": pkg.version, "path": path})
        elif hasattr(ensurepip, "_PROJECTS"):
            for name, version, tag in ensurepip._PROJECTS:
                wheel = "%s-%s-%s-none-any.whl" % (name, version, tag)
                wheels.append({"name": name, "version": version,
                               "path": os.path.join(bundled, wheel)})
        elif hasattr(ensurepip, "_get_pip_whl_path_ctx"):
            # 3.12+: one wheel, pip, behind a context manager (a nullcontext
            # around the newest pip in WHEEL_PKG_DIR, or importlib.resources'
            # as_file around the bundled one, a real file when ensurepip is).
            with ensurepip._get_pip_whl_path_ctx() as found:
                path = os.fspath(found)
            pkg_dir = getattr(ensurepip, "_WHEEL_PKG_DIR", None)
            if pkg_dir is not None:
                info["wheel_dir"] = os.fspath(pkg_dir)
                if not os.path.isfile(path):
                    # Neither place has one; the distribution's is the one to fill.
                    path = os.path.join(info["wheel_dir"], "pip-*.whl")
            wheels.append({"name": "pip", "version": ensurepip.version(),
                           "path": path})
    except Exception:
        pass
    # Debian's older ensurepip (its PyPy) lists bare project names and picks
    # the newest wheel of each from the system wheel directory, a path
    # written into the module (whatever the interpreter's prefix).
    if has_ensurepip and not wheels and hasattr(ensurepip, "_PROJECTS"):
        import glob
        import re
        try:
            import inspect
            source = inspect.getsource(ensurepip)
        except Exception:
            source = ""
        named = re.search(r"""['"](/[^'"]*?/python-wheels)[/'"]""", source)
        wheel_dir = named.group(1) if named else \
            os.path.join(sys.base_prefix, "share", "python-wheels")
        info["wheel_dir"] = wheel_dir

        def newest(project):
            found = glob.glob(os.path.join(wheel_dir, project + "-*[.-]py3-*.whl"))
            key = lambda p: [int(x) for x in os.path.basename(p).split("-")[1].split(".")
                             if x.isdigit()]
            return sorted(found, key=key, reverse=True)[:1]

        for name in ensurepip._PROJECTS:
            if not isinstance(name, str):
                continue
            paths = newest(name)
            if paths:
                version = os.path.basename(paths[0]).split("-")[1]
                wheels.append({"name": name, "version": version, "path": paths[0]})
            else:
                wheels.append({"name": name, "version": "",
                               "path": os.path.join(wheel_dir, name + "-*.whl")})
        # ...and copies every project's newest wheel into ENV/share/python-wheels.
        try:
            if "python-wheels" in inspect.getsource(ensurepip._bootstrap):
                projects = sorted(set(os.path.basename(p).split("-")[0]
                                      for p in glob.glob(os.path.join(wheel_dir, "*.whl"))))
                info["env_wheels"] = [p for project in projects for p in newest(project)]
        except Exception:
            pass
    info["has_ensurepip"] = has_ensurepip

    # What these answers depend on that a package manager changes: the
    # directories where ensurepip, its bundled wheels and a distribution's
    # wheels are (or would be). An entry appearing in or leaving one changes
    # its modification time, so the cached answer is checked against them.
    stdlib = os.path.dirname(os.__file__)
    watch = [stdlib, os.path.join(stdlib, "ensurepip"),
             os.path.join(stdlib, "ensurepip", "_bundled")]
    if has_ensurepip:
        here = os.path.dirname(ensurepip.__file__)
        watch += [here, os.path.join(here, "_bundled")]
    if info.get("wheel_dir"):
        watch.append(info["wheel_dir"])
    watch += [os.path.dirname(w["path"]) for w in wheels]
    info["watch"] = sorted(set(watch))
    info["bundled_wheels"] = [w for w in wheels if os.path.isfile(w["path"])]
    info["missing_wheels"] = [w["path"] for w in wheels if not os.path.isfile(w["path"])]

sys.stdout.write(json.dumps(info))
