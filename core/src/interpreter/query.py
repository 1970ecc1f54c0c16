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

info = {"query_version": 2, "version": list(sys.version_info[:3]),
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

    # The layout CPython's venv uses: the "venv" sysconfig scheme when the
    # interpreter has one (3.11+), else the fixed layout of older releases.
    marker = "/@venv-base@"
    scheme = {}
    if "venv" in sysconfig.get_scheme_names():
        base_vars = {"base": marker, "platbase": marker,
                     "installed_base": marker, "installed_platbase": marker}
        for key in ("scripts", "include", "purelib", "platlib"):
            path = sysconfig.get_path(key, scheme="venv", vars=base_vars)
            scheme[key] = os.path.relpath(path, marker)
    else:
        site = "lib/python%d.%d/site-packages" % sys.version_info[:2]
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
            found = None
            if hasattr(ensurepip, "_find_wheel_pkg_dir_pip"):
                found = ensurepip._find_wheel_pkg_dir_pip()
            if found is not None:
                path = str(found)
            else:
                path = os.path.join(bundled, "pip-%s-py3-none-any.whl"
                                    % ensurepip._PIP_VERSION)
            wheels.append({"name": "pip", "version": ensurepip.version(),
                           "path": path})
    except Exception:
        pass
    info["has_ensurepip"] = has_ensurepip
    info["bundled_wheels"] = [w for w in wheels if os.path.isfile(w["path"])]
    info["missing_wheels"] = [w["path"] for w in wheels if not os.path.isfile(w["path"])]

sys.stdout.write(json.dumps(info))
