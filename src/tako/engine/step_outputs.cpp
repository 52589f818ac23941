#include "tako/engine/printer.h"
#include "tako/engine/run_execution.h"
#include "tako/engine/step_io.h"
#include "tako/sys/file_util.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void fail(StepOutcome& o, std::string reason) {
  o.success = false;
  o.reason = std::move(reason);
}

}  // namespace

void RunExecution::collect_outputs(const config::Step& step, const std::string& out_capture,
                                   const std::string& err_capture, const fs::path& output_read_path,
                                   StepOutcome& o, std::vector<ProducedEvent>& events) {
  if (step.produces) {
    std::map<std::string, std::string> env_outputs;
    bool env_read = false;
    for (const auto& d : step.produces->outputs) {
      std::string value;
      switch (d.kind) {
        case config::OutputSourceKind::kStdout:
          value = trim_trailing_newline(out_capture);
          break;
        case config::OutputSourceKind::kStderr:
          value = trim_trailing_newline(err_capture);
          break;
        case config::OutputSourceKind::kFile: {
          if (!sys::path_within(info_.repo_dir, d.argument)) {
            return fail(o, "output '" + d.name + "': from_file path '" + d.argument +
                               "' leaves the repository directory");
          }
          try {
            value = trim_trailing_newline(sys::read_file(info_.repo_dir / d.argument));
          } catch (const std::exception& e) {
            return fail(o, "output '" + d.name + "': " + e.what());
          }
          break;
        }
        case config::OutputSourceKind::kEnv: {
          if (!env_read) {
            try {
              env_outputs = parse_output_file(sys::read_file(output_read_path));
            } catch (const std::exception&) {
            }
            env_read = true;
          }
          auto it = env_outputs.find(d.argument);
          if (it == env_outputs.end()) {
            return fail(
                o, "output '" + d.name + "': " + d.argument + " was not written to $TAKO_OUTPUT");
          }
          value = it->second;
          break;
        }
      }
      if (value.size() > kMaxOutputValue) {
        return fail(o, "output '" + d.name + "' is " + std::to_string(value.size()) +
                           " bytes, more than the 1 MiB an output may hold (write it to a file and "
                           "pass the path instead)");
      }
      o.outputs[d.name] = std::move(value);
    }
    withhold_outputs(step.id, o.outputs);
    // Declared events, rendered with this step's outputs (SPEC §7.1).
    if (!step.produces->events.empty()) {
      json data = data_;
      data["outputs"] = o.outputs;
      for (const auto& ev : step.produces->events) {
        ProducedEvent pe;
        pe.step_id = step.id;
        pe.type = ev.type;
        pe.schema_version = ev.schema_version;
        pe.artifact = step.produces->artifact;
        try {
          pe.payload = render_with_data(ev.payload, data);
        } catch (const std::exception& e) {
          return fail(o, "event '" + ev.type + "' payload: " + e.what());
        }
        for (const auto& field : withhold_secret_fields(pe.payload, ex_.secrets())) {
          printer_.error_line("Warning: " + req_.output_prefix + "step '" + step.id + "': event '" +
                              ev.type + "' payload field '" + field +
                              "' withheld: it contains a secret value");
        }
        events.push_back(std::move(pe));
      }
    }
  }
}

}  // namespace tako::engine
