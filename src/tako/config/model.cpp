#include "tako/config/model.h"

namespace tako::config {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool valid_name_part(std::string_view part) {
  if (part.empty() || part == "." || part == "..") return false;
  for (char c : part) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

bool valid_ref(std::string_view ref) {
  if (ref.empty() || ref.find("..") != std::string_view::npos) return false;
  if (ref.front() == '/' || ref.back() == '/' || ref.front() == '-') return false;
  for (unsigned char c : ref) {
    if (c <= ' ' || c == 0x7f || c == '~' || c == '^' || c == ':' || c == '?' || c == '*' ||
        c == '[' || c == '\\') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<RepoRef> RepoRef::parse(std::string_view text) {
  const size_t colon = text.find(':');
  const std::string_view repo = text.substr(0, colon);
  const size_t slash = repo.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view owner = repo.substr(0, slash);
  const std::string_view name = repo.substr(slash + 1);
  if (!valid_name_part(owner) || !valid_name_part(name)) return std::nullopt;
  RepoRef out;
  out.owner = std::string(owner);
  out.name = std::string(name);
  if (colon != std::string_view::npos) {
    const std::string_view ref = text.substr(colon + 1);
    if (!valid_ref(ref)) return std::nullopt;
    out.ref = std::string(ref);
  }
  return out;
}

const InputDecl* Workflow::find_input(std::string_view input_name) const {
  for (const auto& input : inputs) {
    if (input.name == input_name) return &input;
  }
  return nullptr;
}

const Step* Workflow::find_step(std::string_view step_id) const {
  for (const auto& step : steps) {
    if (step.id == step_id) return &step;
  }
  return nullptr;
}

const Workflow* TakoFile::find_workflow(std::string_view workflow_name) const {
  for (const auto& workflow : workflows) {
    if (workflow.name == workflow_name) return &workflow;
  }
  return nullptr;
}

const Artifact* TakoFile::find_artifact(std::string_view artifact_name) const {
  for (const auto& artifact : artifacts) {
    if (artifact.name == artifact_name) return &artifact;
  }
  return nullptr;
}

}  // namespace tako::config
