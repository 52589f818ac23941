#pragma once

// Writing HTML by hand (the self-contained pages of `tako report` and `tako graph --format
// html`): text and attribute values must never be able to open a tag or leave an attribute,
// whatever a step printed or a tako.yml names.

#include <string>
#include <string_view>

namespace tako::sys {

// `text` with & < > " ' replaced by entities (&amp; &lt; &gt; &#34; &#39;, as Go's
// html/template and text/template's `html` write them) and NUL by U+FFFD: safe in element
// content and in a quoted attribute. The template function `html_escape` is this one.
std::string html_escape(std::string_view text);

// A complete page: doctype, UTF-8, `title` (escaped), `style` inline in <head>, `body` as it is,
// `script` inline at the end of <body>. Nothing is loaded from the network.
std::string html_page(std::string_view title, std::string_view style, std::string_view body,
                      std::string_view script = {});

}  // namespace tako::sys
