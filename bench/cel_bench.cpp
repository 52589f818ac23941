// CEL compile and evaluation speed for typical subscription filters (issue 3).
#include <benchmark/benchmark.h>

#include "tako/cel/cel.h"

namespace {

const char* kSplitFilter =
    "'user-service' in event.payload.services_affected.split(',').map(s, s.trim().lower())";
const char* kSemverFilter =
    "semver.major(event.payload.version) >= 1 && has(event.payload.commit_sha)";

tako::cel::Activation event_vars() {
  auto event = nlohmann::json::parse(R"({
    "type": "library_released", "schema_version": "1.0.0", "source": "acme/go-lib",
    "artifact": "lib", "id": "0123456789abcdef",
    "payload": {"version": "1.4.2", "commit_sha": "0f1e2d3c4b5a",
                "services_affected": "billing, User-Service , search,notifications"}})");
  tako::cel::Activation vars;
  vars.set("event", event);
  vars.set("payload", event["payload"]);
  vars.set("event_type", event["type"]);
  vars.set("schema_version", event["schema_version"]);
  vars.set("source", event["source"]);
  return vars;
}

void BM_CompileSplitFilter(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tako::cel::Program::compile(kSplitFilter));
}
BENCHMARK(BM_CompileSplitFilter);

void BM_CompileSemverFilter(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tako::cel::Program::compile(kSemverFilter));
}
BENCHMARK(BM_CompileSemverFilter);

void BM_EvalSplitFilter(benchmark::State& state) {
  auto program = tako::cel::Program::compile(kSplitFilter);
  auto vars = event_vars();
  for (auto _ : state) {
    auto v = program->evaluate(vars);
    if (!v.as_bool()) state.SkipWithError("filter should be true");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvalSplitFilter);

void BM_EvalSemverFilter(benchmark::State& state) {
  auto program = tako::cel::Program::compile(kSemverFilter);
  auto vars = event_vars();
  for (auto _ : state) {
    auto v = program->evaluate(vars);
    if (!v.as_bool()) state.SkipWithError("filter should be true");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvalSemverFilter);

// Binding the event (JSON → CEL values) once per fan-out, then one filter evaluation.
void BM_BindEventAndEvalSemverFilter(benchmark::State& state) {
  auto program = tako::cel::Program::compile(kSemverFilter);
  for (auto _ : state) {
    auto vars = event_vars();
    benchmark::DoNotOptimize(program->evaluate(vars));
  }
}
BENCHMARK(BM_BindEventAndEvalSemverFilter);

}  // namespace
