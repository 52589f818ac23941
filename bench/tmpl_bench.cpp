// Benchmarks of the template engine (docs/benchmarks.md, "Templates").
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "tako/tmpl/template.h"

namespace {

constexpr const char* kCommand =
    "./build.sh --bump {{ .inputs.bump | shell_quote }} --sha {{ .steps.meta.outputs.sha }}";

const nlohmann::json& data() {
  static const nlohmann::json d = {
      {"inputs", {{"bump", "minor"}, {"version-bump", "patch"}, {"dry_run", false}}},
      {"steps",
       {{"meta", {{"outputs", {{"sha", "9f2c1e7d"}, {"version", "1.4.0"}}}}},
        {"build", {{"outputs", {{"version", "1.4.0"}}}}}}},
      {"env", {{"HOME", "/home/ci"}, {"PATH", "/usr/bin:/bin"}}},
      {"run", {{"id", "exec-20261121-103000-a1b2c3d4"}, {"workflow", "release"}, {"depth", 0}}},
  };
  return d;
}

void BM_ParseCommand(benchmark::State& state) {
  for (auto _ : state) {
    auto t = tako::tmpl::Template::parse(kCommand);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_ParseCommand);

// The acceptance figure: render the typical command, the parsed template coming from the cache.
void BM_RenderCommandFromCache(benchmark::State& state) {
  static tako::tmpl::TemplateCache cache;
  for (auto _ : state) {
    std::string out = cache.get(kCommand)->render(data());
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderCommandFromCache);
BENCHMARK(BM_RenderCommandFromCache)->Threads(2);

void BM_RenderCommandParsed(benchmark::State& state) {
  auto t = tako::tmpl::Template::parse(kCommand);
  for (auto _ : state) {
    std::string out = t->render(data());
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderCommandParsed);

void BM_RenderPayload(benchmark::State& state) {
  // An event payload with a default, a conditional, a range and printf.
  auto t = tako::tmpl::Template::parse(
      R"T({"version": "{{ .steps.build.outputs.version }}", "tag": "{{ .inputs.tag | default "latest" }}",)T"
      R"T( "dry": {{ if .inputs.dry_run }}true{{ else }}false{{ end }}, "env": [)T"
      R"T({{- range $k, $v := .env }}{{ if ne $k "HOME" }}, {{ end }}"{{ $k }}={{ $v | json_escape }}"{{ end -}}],)T"
      R"T( "run": {{ printf "%q" .run.id }}})T");
  for (auto _ : state) {
    std::string out = t->render(data());
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderPayload);

void BM_RenderRangeLarge(benchmark::State& state) {
  nlohmann::json d = {{"items", nlohmann::json::array()}};
  for (int i = 0; i < 1000; ++i)
    d["items"].push_back({{"name", "repo-" + std::to_string(i)}, {"n", i}});
  auto t = tako::tmpl::Template::parse("{{ range .items }}{{ .name }}={{ .n }};{{ end }}");
  for (auto _ : state) {
    std::string out = t->render(d);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_RenderRangeLarge);

}  // namespace
