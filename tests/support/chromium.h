#pragma once

// Loading a page in a real headless browser (Debian's chromium) for the tests of the HTML that
// tako writes (`tako report`, `tako graph --format html`).

#include <filesystem>
#include <string>

namespace tako::testing {

// /usr/bin/chromium (or `chromium` on PATH); empty when not installed.
std::filesystem::path chromium_binary();

// What to tell the reader when chromium_binary() is empty.
inline constexpr const char* kChromiumMissing =
    "chromium is not installed: run scripts/install-deps.sh (it installs Debian's chromium)";

struct BrowserRun {
  int exit_code = -1;
  std::string out;  // stdout (the DOM for dump_dom)
  std::string err;  // chromium's own log, for failure messages
};

// Runs headless chromium on `page` with a fresh profile under `scratch` (its HOME and
// --user-data-dir, so temp_dir.cpp's leftover check sees every process it starts) and no
// network services. Chromium runs in its own process group, which is killed when it exits (or
// after a generous safety limit, should it hang), so none of its helpers outlive the call.
// dump_dom: the DOM after the page's scripts ran (--dump-dom), in `out`.
BrowserRun chromium_dump_dom(const std::filesystem::path& page,
                             const std::filesystem::path& scratch);
// screenshot: a PNG of the page (1280×2000) written to `png`.
BrowserRun chromium_screenshot(const std::filesystem::path& page, const std::filesystem::path& png,
                               const std::filesystem::path& scratch);

}  // namespace tako::testing
