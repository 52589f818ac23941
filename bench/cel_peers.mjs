// The CEL filters of bench_cel evaluated by the JavaScript CEL implementations, for
// bench/cel_vs_js.sh: @marcbachmann/cel-js ("cel-js") and @bufbuild/cel with its strings
// extension. Each expression is compiled once and evaluated in a timed loop, as bench_cel does.
// Usage: node cel_peers.mjs <node_modules dir> [iterations]
import {createRequire} from 'node:module';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

const modules = process.argv[2];
const iterations = Number(process.argv[3] ?? 200000);
const load = (name) => {
  const req = createRequire(path.join(modules, 'x.js'));
  return import(pathToFileURL(req.resolve(name)).href);
};

// The same expressions as bench/cel_bench.cpp; `lowerAscii` is cel-spec's name for tako's
// `lower` (both JS libraries lack the short name).
const split = "'user-service' in event.payload.services_affected.split(',').map(s, s.trim().lowerAscii())";
const semver = "int(event.payload.version.split('.')[0]) >= 1 && has(event.payload.commit_sha)";
const event = {
  type: 'library_released', schema_version: '1.0.0', source: 'acme/go-lib', artifact: 'lib',
  id: '0123456789abcdef',
  payload: {version: '1.4.2', commit_sha: '0f1e2d3c4b5a',
            services_affected: 'billing, User-Service , search,notifications'},
};

function time(label, fn) {
  for (let i = 0; i < iterations / 10; ++i) fn();  // warm up the JIT
  const runs = [];
  for (let r = 0; r < 3; ++r) {
    // CPU time, as bench_cel's CPU column: the machine may be shared with other work.
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; ++i) {
      if (fn() !== true) throw new Error(label + ': filter should be true');
    }
    const used = process.cpuUsage(start);
    runs.push(((used.user + used.system) * 1000) / iterations);
  }
  runs.sort((a, b) => a - b);
  console.log(`${label}\t${runs[1].toFixed(0)} ns CPU`);
}

const marc = await load('@marcbachmann/cel-js');
const env = new marc.Environment({unlistedVariablesAreDyn: true});
for (const [name, expr] of [['split/map/trim/lower', split], ['semver major + has', semver]]) {
  const fn = env.parse(expr);
  time(`cel-js ${name}`, () => fn({event}));
}

const buf = await load('@bufbuild/cel');
const ext = await load('@bufbuild/cel/ext');
const benv = buf.celEnv({funcs: ext.strings});
for (const [name, expr] of [['split/map/trim/lower', split], ['semver major + has', semver]]) {
  const fn = buf.plan(benv, buf.parse(expr));
  time(`@bufbuild/cel ${name}`, () => fn({event}));
}
