#pragma once

// Go's fmt package, as far as templates need it, over JSON values: %v printing, Sprint,
// Sprintln, Sprintf (verbs, flags, widths, precisions and Go's %!verb(...) error forms), and
// strconv's float formatting and quoting.

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

namespace tako::tmpl {

// Appends `v` as fmt.Print shows it: 3, 0.5, 1e+06, true, text, [a b], map[k:v], <nil>.
void append_value(std::string& out, const nlohmann::json& v);

// Go's name for the dynamic type of a JSON value: int, uint, float64, string, bool,
// []interface {}, map[string]interface {}; "<nil>" for null.
std::string_view go_type_name(const nlohmann::json& v);

// strconv.FormatFloat(v, fmt, prec, 64) for fmt in e E f g G x X b; prec -1 = shortest.
void append_float(std::string& out, double v, char fmt, int prec);

// strconv.Quote (ascii_only: QuoteToASCII).
void append_quoted(std::string& out, std::string_view s, bool ascii_only = false);
// strconv.QuoteRune.
void append_quoted_rune(std::string& out, std::int64_t r, bool ascii_only = false);

// fmt.Sprint / fmt.Sprintln / fmt.Sprintf over JSON values.
void append_sprint(std::string& out, std::span<const nlohmann::json* const> args);
void append_sprintln(std::string& out, std::span<const nlohmann::json* const> args);
void append_sprintf(std::string& out, std::string_view format,
                    std::span<const nlohmann::json* const> args);

// Formatting refuses to build text larger than this, or to walk values nested deeper than
// kMaxPrintDepth: it throws std::length_error (the executor reports it at the call).
constexpr std::size_t kMaxFormattedBytes = 16u << 20;
constexpr int kMaxPrintDepth = 256;

// True when `v` is nested no deeper than `limit` levels (checked without recursion).
bool depth_within(const nlohmann::json& v, int limit);

// UTF-8 helpers shared by the engine.
// Decodes one rune at s[i]; returns the rune (0xFFFD on invalid input) and sets `size` (>= 1).
char32_t decode_rune(std::string_view s, std::size_t i, std::size_t& size);
void append_rune(std::string& out, char32_t r);
std::size_t rune_count(std::string_view s);
// unicode.IsPrint, approximated for non-ASCII: false for controls, surrogates, U+FFFE/FFFF and
// a few format characters; true otherwise.
bool is_print(char32_t r);

}  // namespace tako::tmpl
