// A post-setup hook written in JavaScript, built into a WebAssembly
// component with componentize-js (jco) and run by venv like any plugin.
// It writes `<env>/js-hook.txt` and greets the user through progress.
import * as vp from "./venv-plugin.js"; // plugins/js/venv-plugin.js, copied beside this file by build.sh

function record(ctx) {
  const greeting = vp.option(ctx, "greeting", "hello");
  const v = ctx.pythonVersion;
  vp.progress(`${greeting} from a JavaScript hook in ${ctx.envName}`);
  vp.writeEnv(ctx, "js-hook.txt", `env: ${ctx.envName}\npython: ${v.major}.${v.minor}.${v.micro}\ngreeting: ${greeting}\n`);
}

export const postSetup = vp.postSetup(record);
