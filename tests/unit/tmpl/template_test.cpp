// Table-driven tests of the template engine against Go's documented text/template behaviour
// (src/text/template/doc.go, fmt and strconv docs), plus Tako's additions (SPEC §4).

#include "tako/tmpl/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace tako::tmpl {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

const json& data() {
  static const json d = json::parse(R"J({
    "inputs": {
      "bump": "minor", "version-bump": "patch", "count": 3, "ratio": 0.5, "whole": 3.0,
      "flag": true, "off": false, "empty": "", "zero": 0, "list": ["a", "b", "c"],
      "nums": [1, 2, 3], "none": null, "obj": {"b": 2, "a": 1}, "emptylist": [], "emptymap": {},
      "big": 1000000.0, "small": 0.00001, "neg": -7, "text": "Hello, World",
      "spaces": "  padded  ", "csv": "x,y,z", "quote": "it's", "json": "{\"k\": [1, 2]}",
      "nested": {"deep": {"er": "bottom"}}, "mixed": [1, "two", 3.5, true, null]
    },
    "steps": {"build": {"outputs": {"version": "1.2.3"}}, "meta": {"outputs": {"sha": "abc123"}}},
    "event": {"type": "library_built", "payload": {"version": "2.0.0", "x": 1}}
  })J");
  return d;
}

struct Case {
  const char* tmpl;
  const char* want;
};

// Expected outputs written from Go's documentation of text/template, fmt and strconv.
const Case kCases[] = {
    // --- text, comments, trim markers (doc.go "Text and spaces") ---
    {"", ""},
    {"plain text", "plain text"},
    {"{{/* a comment */}}", ""},
    {"a{{/* multi\nline */}}b", "ab"},
    {"{{23 -}} < {{- 45}}", "23<45"},
    {"a  {{- /* c */ -}}  b", "ab"},
    {"x \n\t {{- .inputs.bump}}", "xminor"},
    {"{{.inputs.bump -}} \n y", "minory"},
    {"{{-3}}", "-3"},
    {"{{ -3 }}", "-3"},
    {"{{\"a\"}}\n", "a\n"},
    {"{{ .inputs.bump\n}}", "minor"},
    {"{{- \"a\" -}}\n\n", "a"},
    // --- constants (doc.go "Examples": all produce "output" quoted) ---
    {R"T({{"\"output\""}})T", R"T("output")T"},
    {R"T({{`"output"`}})T", R"T("output")T"},
    {R"T({{printf "%q" "output"}})T", R"T("output")T"},
    {R"T({{"output" | printf "%q"}})T", R"T("output")T"},
    {R"T({{printf "%q" (print "out" "put")}})T", R"T("output")T"},
    {R"T({{"put" | printf "%s%s" "out" | printf "%q"}})T", R"T("output")T"},
    {R"T({{"output" | printf "%s" | printf "%q"}})T", R"T("output")T"},
    {R"T({{with "output"}}{{printf "%q" .}}{{end}})T", R"T("output")T"},
    {R"T({{with $x := "output" | printf "%q"}}{{$x}}{{end}})T", R"T("output")T"},
    {R"T({{with $x := "output"}}{{printf "%q" $x}}{{end}})T", R"T("output")T"},
    {R"T({{with $x := "output"}}{{$x | printf "%q"}}{{end}})T", R"T("output")T"},
    {"{{true}} {{false}}", "true false"},
    {"{{1}}", "1"},
    {"{{1.5}}", "1.5"},
    {"{{1.0}}", "1"},
    {"{{1e3}}", "1000"},
    {"{{0x10}}", "16"},
    {"{{0o17}}", "15"},
    {"{{017}}", "15"},
    {"{{0b101}}", "5"},
    {"{{1_000}}", "1000"},
    {"{{'a'}}", "97"},
    {R"T({{'\n'}})T", "10"},
    {"{{1e21}}", "1e+21"},
    {"{{.5}}", "0.5"},
    {"{{1.}} {{-0.0}} {{0.1}}", "1 -0 0.1"},
    {R"T({{$x := 1}}{{with $x := 2}}{{$x}}{{end}}{{$x}})T", "21"},
    {R"T({{if true}}{{$y := 5}}{{$y}}{{end}})T", "5"},
    {R"T({{printf "%s" }})T", "%!s(MISSING)"},
    {R"T({{printf "%6.2v|%-8q|%+q" 3.14159 "a" "é"}})T", "   3.1|\"a\"     |\"\\u00e9\""},
    {"{{0x1p-2}}", "0.25"},
    {R"T({{"\u00e9\x41\101\ttab"}})T", "\u00e9AA\ttab"},
    {"{{print nil}}", "<nil>"},
    // --- data: fields, keys with '-', kinds of numbers ---
    {"{{.inputs.bump}}", "minor"},
    {"{{.inputs.version-bump}}", "patch"},
    {"{{.steps.build.outputs.version}}", "1.2.3"},
    {"{{.event.payload.version}}", "2.0.0"},
    {"{{.inputs.count}}", "3"},
    {"{{.inputs.ratio}}", "0.5"},
    {"{{.inputs.whole}}", "3"},
    {"{{.inputs.big}}", "1e+06"},
    {"{{.inputs.small}}", "1e-05"},
    {"{{.inputs.neg}}", "-7"},
    {"{{.inputs.flag}}", "true"},
    {"{{.inputs.none}}", "<no value>"},
    {"{{.inputs.list}}", "[a b c]"},
    {"{{.inputs.nums}}", "[1 2 3]"},
    {"{{.inputs.obj}}", "map[a:1 b:2]"},
    {"{{.inputs.mixed}}", "[1 two 3.5 true <nil>]"},
    {"{{.inputs.emptylist}} {{.inputs.emptymap}}", "[] map[]"},
    {"{{.inputs.nested.deep.er}}", "bottom"},
    {"{{$.inputs.bump}}", "minor"},
    {"{{with .inputs}}{{.bump}}{{end}}", "minor"},
    {"{{with .inputs}}{{$.steps.meta.outputs.sha}}{{end}}", "abc123"},
    {"{{(.inputs).bump}}", "minor"},
    {"{{(index .inputs.list 1)}}", "b"},
    {"{{(index .inputs \"nested\").deep.er}}", "bottom"},
    {"{{$x := .inputs}}{{$x.bump}}", "minor"},
    {"{{$x := .inputs}}{{$x.version-bump}}", "patch"},
    // --- variables ---
    {"{{$x := 1}}{{$x}}", "1"},
    {"{{$x := 1}}{{$x = 2}}{{$x}}", "2"},
    {"{{$x := \"a\"}}{{if true}}{{$x = \"b\"}}{{end}}{{$x}}", "b"},
    {"{{$x := \"a\"}}{{if true}}{{$x := \"b\"}}{{$x}}{{end}}{{$x}}", "ba"},
    {"{{$x := 3}}{{$x}}{{$x}}", "33"},
    {"{{with .inputs.obj}}{{$.inputs.bump}}{{end}}", "minor"},
    // --- pipelines, print, println ---
    {R"T({{.inputs.bump | printf "%s!"}})T", "minor!"},
    {R"T({{.inputs.count | printf "%d-%d" 1}})T", "1-3"},
    {R"T({{"a" | print "b"}})T", "ba"},
    {"{{1 | print 2}}", "2 1"},
    {"{{print 1 2}}", "1 2"},
    {R"T({{print "a" "b"}})T", "ab"},
    {R"T({{print "a" 1 "b"}})T", "a1b"},
    {R"T({{print 1 2 "a" 3 4}})T", "1 2a3 4"},
    {R"T({{println "a" 1}})T", "a 1\n"},
    {"{{print}}", ""},
    {"{{print .inputs.list}}", "[a b c]"},
    {"{{print 1.0 0.1}}", "1 0.1"},
    // --- if / else if / else (truthiness) ---
    {"{{if true}}yes{{end}}", "yes"},
    {"{{if false}}yes{{end}}", ""},
    {"{{if false}}yes{{else}}no{{end}}", "no"},
    {"{{if 0}}a{{else if 1}}b{{else}}c{{end}}", "b"},
    {"{{if 0}}a{{else if 0}}b{{else}}c{{end}}", "c"},
    {R"T({{if ""}}a{{else}}b{{end}})T", "b"},
    {R"T({{if "x"}}a{{end}})T", "a"},
    {"{{if .inputs.emptylist}}a{{else}}b{{end}}", "b"},
    {"{{if .inputs.emptymap}}a{{else}}b{{end}}", "b"},
    {"{{if .inputs.none}}a{{else}}b{{end}}", "b"},
    {"{{if .inputs.zero}}a{{else}}b{{end}}", "b"},
    {"{{if 0.0}}a{{else}}b{{end}}", "b"},
    {"{{if .inputs.ratio}}a{{end}}", "a"},
    {"{{if .inputs.list}}a{{end}}", "a"},
    {"{{if and .inputs.flag .inputs.count}}a{{end}}", "a"},
    {"{{if not .inputs.off}}a{{end}}", "a"},
    // --- and / or / not (short-circuit, return an argument) ---
    {R"T({{and 1 0 "x"}})T", "0"},
    {"{{and 1 2 3}}", "3"},
    {R"T({{or 0 "" "x"}})T", "x"},
    {R"T({{or 0 ""}})T", ""},
    {R"T({{and "" (index .inputs.list 10)}})T", ""},
    {"{{or 1 (index .inputs.list 10)}}", "1"},
    {"{{not 0}} {{not \"a\"}} {{not .inputs.emptylist}}", "true false true"},
    {"{{1 | and 2}}", "1"},
    {"{{0 | or 5}}", "5"},
    // --- comparisons ---
    {"{{eq 1 1}} {{eq 1 2}}", "true false"},
    {R"T({{eq "a" "a"}})T", "true"},
    {"{{eq 1 2 3 1}}", "true"},
    {"{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{ge 1.5 2.5}} {{lt -1 0}}", "true true true false true"},
    {R"T({{gt "b" "a"}} {{lt "a" "b"}})T", "true true"},
    {"{{eq .inputs.count 3}} {{eq .inputs.ratio 0.5}}", "true true"},
    {R"T({{eq .inputs.bump "minor"}})T", "true"},
    {"{{eq true true}} {{eq .inputs.none .inputs.none}} {{eq .inputs.none 1}}", "true true false"},
    {R"T({{if eq .inputs.bump "major" "minor"}}m{{end}})T", "m"},
    // --- len, index, slice ---
    {R"T({{len "hello"}} {{len "é"}})T", "5 2"},
    {"{{len .inputs.list}} {{len .inputs.obj}} {{len .inputs.emptylist}}", "3 2 0"},
    {"{{index .inputs.list 0}}", "a"},
    {R"T({{index .inputs.obj "b"}})T", "2"},
    {R"T({{index . "inputs" "bump"}})T", "minor"},
    {R"T({{index .inputs "version-bump"}})T", "patch"},
    {"{{index .inputs.nums 2}}", "3"},
    {R"T({{index "abc" 1}})T", "98"},
    {"{{index .inputs.list}}", "[a b c]"},
    {R"T({{slice "hello" 1 3}})T", "el"},
    {R"T({{slice "hello" 2}})T", "llo"},
    {"{{slice .inputs.list 1}}", "[b c]"},
    {"{{slice .inputs.list 0 2}}", "[a b]"},
    {"{{slice .inputs.list}}", "[a b c]"},
    {R"T({{slice "abc" 3}})T", ""},
    // --- printf: integers ---
    {R"T({{printf "%d" 42}})T", "42"},
    {R"T({{printf "%5d|" 42}})T", "   42|"},
    {R"T({{printf "%-5d|" 42}})T", "42   |"},
    {R"T({{printf "%05d" 42}})T", "00042"},
    {R"T({{printf "%05d" -42}})T", "-0042"},
    {R"T({{printf "%+d" 5}})T", "+5"},
    {R"T({{printf "%x %X %#x" 255 255 255}})T", "ff FF 0xff"},
    {R"T({{printf "%o %#o %b" 8 8 5}})T", "10 010 101"},
    {R"T({{printf "%c %q %U" 65 65 65}})T", "A 'A' U+0041"},
    {R"T({{printf "%.3d" 7}})T", "007"},
    {R"T({{printf "%x" -255}})T", "-ff"},
    // --- printf: strings ---
    {R"T({{printf "%s" "hi"}})T", "hi"},
    {R"T({{printf "%10s|" "hi"}})T", "        hi|"},
    {R"T({{printf "%-10s|" "hi"}})T", "hi        |"},
    {R"T({{printf "%.2s" "hello"}})T", "he"},
    {R"T({{printf "%q" "a\"b"}})T", R"T("a\"b")T"},
    {R"T({{printf "%q" "tab\tnew\nline"}})T", R"T("tab\tnew\nline")T"},
    {R"T({{printf "%x" "hi"}} {{printf "% x" "hi"}} {{printf "%X" "hi"}})T", "6869 68 69 6869"},
    {R"T({{printf "%#q" "raw"}})T", "`raw`"},
    // --- printf: floats ---
    {R"T({{printf "%v" 1.5}})T", "1.5"},
    {R"T({{printf "%f" 3.14159}})T", "3.141590"},
    {R"T({{printf "%.2f" 3.14159}})T", "3.14"},
    {R"T({{printf "%8.3f|" 3.14159}})T", "   3.142|"},
    {R"T({{printf "%e" 1234.5678}})T", "1.234568e+03"},
    {R"T({{printf "%g" 0.000012}})T", "1.2e-05"},
    {R"T({{printf "%g" 100000.0}} {{printf "%g" 1000000.0}})T", "100000 1e+06"},
    {R"T({{printf "%.3g" 3.14159}})T", "3.14"},
    {R"T({{printf "%G" 1e-10}})T", "1E-10"},
    {R"T({{printf "%.0f %.0f" 2.5 3.5}})T", "2 4"},
    {R"T({{printf "%+.1f" 2.0}})T", "+2.0"},
    {R"T({{printf "%06.2f" -1.5}})T", "-01.50"},
    {R"T({{printf "%v %v %v" 1e-7 123456789.0 123456.0}})T", "1e-07 1.23456789e+08 123456"},
    {R"T({{printf "%6.2f%%" 99.5}})T", " 99.50%"},
    {R"T({{printf "%.2e" 0.0}})T", "0.00e+00"},
    {R"T({{printf "%x" 1.0}})T", "0x1p+00"},
    // --- printf: other kinds and error forms ---
    {R"T({{printf "%t" true}} {{printf "%5t" true}})T", "true  true"},
    {R"T({{printf "%v" .inputs.list}})T", "[a b c]"},
    {R"T({{printf "%s" .inputs.list}})T", "[a b c]"},
    {R"T({{printf "%q" .inputs.list}})T", R"T(["a" "b" "c"])T"},
    {R"T({{printf "%d" .inputs.nums}})T", "[1 2 3]"},
    {R"T({{printf "%v" .inputs.obj}})T", "map[a:1 b:2]"},
    {R"T({{printf "%v" .inputs.none}})T", "<nil>"},
    {R"T({{printf "%s" .inputs.none}})T", "%!s(<nil>)"},
    {R"T({{printf "%d" "x"}})T", "%!d(string=x)"},
    {R"T({{printf "%s" 5}})T", "%!s(int=5)"},
    {R"T({{printf "%d" 1.5}})T", "%!d(float64=1.5)"},
    {R"T({{printf "%d"}})T", "%!d(MISSING)"},
    {R"T({{printf "%d" 1 2}})T", "1%!(EXTRA int=2)"},
    {R"T({{printf "%"}})T", "%!(NOVERB)"},
    {R"T({{printf "%%"}})T", "%"},
    {R"T({{printf "%z" 1}})T", "%!z(int=1)"},
    {R"T({{printf "%*d" 5 1}})T", "    1"},
    {R"T({{printf "%[2]d %[1]d" 1 2}})T", "2 1"},
    {R"T({{printf "%T %T %T %T" 1 "a" 1.5 .inputs.list}})T", "int string float64 []interface {}"},
    {R"T({{printf "%v %v" "a"}})T", "a %!v(MISSING)"},
    {R"T({{printf "%#v" "a"}})T", R"T("a")T"},
    {R"T({{printf "%#v" .inputs.list}})T", R"T([]interface {}{"a", "b", "c"})T"},
    {R"T({{printf "%d %s" 1 "a"}})T", "1 a"},
    // --- html, js, urlquery ---
    {R"T({{html "<a href=\"x\">&'"}})T", "&lt;a href=&#34;x&#34;&gt;&amp;&#39;"},
    {R"T({{js "it's \"q\" <b>"}})T", R"T(it\'s \"q\" \u003Cb\u003E)T"},
    {R"T({{js "a=b&c"}})T", R"T(a\u003Db\u0026c)T"},
    {R"T({{js "\n"}})T", R"T(\u000A)T"},
    {R"T({{urlquery "a b&c=d/é"}})T", "a+b%26c%3Dd%2F%C3%A9"},
    {"{{html 1 2}}", "1 2"},
    {R"T({{urlquery "a" "b"}})T", "ab"},
    {"{{.inputs.quote | html}}", "it&#39;s"},
    {"{{html .inputs.none}}", "&lt;no value&gt;"},
    // --- range ---
    {"{{range .inputs.list}}{{.}},{{end}}", "a,b,c,"},
    {"{{range $i, $e := .inputs.list}}{{$i}}={{$e}} {{end}}", "0=a 1=b 2=c "},
    {"{{range $e := .inputs.list}}{{$e}}{{end}}", "abc"},
    {"{{range $k, $v := .inputs.obj}}{{$k}}:{{$v}};{{end}}", "a:1;b:2;"},
    {"{{range .inputs.obj}}{{.}}{{end}}", "12"},
    {"{{range .inputs.emptylist}}x{{else}}empty{{end}}", "empty"},
    {"{{range .inputs.none}}x{{else}}none{{end}}", "none"},
    {R"T({{range .inputs.list}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}})T", "a"},
    {R"T({{range .inputs.list}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}})T", "ac"},
    {"{{range 3}}{{.}}{{end}}", "012"},
    {"{{range $i := 3}}{{$i}}{{end}}", "012"},
    {"{{range 0}}x{{else}}zero{{end}}", "zero"},
    {"{{range .inputs.list}}{{$.inputs.bump}}{{end}}", "minorminorminor"},
    {"{{range .inputs.nums}}{{$n := .}}{{range $.inputs.list}}{{$n}}{{.}} {{end}}{{end}}",
     "1a 1b 1c 2a 2b 2c 3a 3b 3c "},
    {"{{range .inputs.mixed}}[{{.}}]{{end}}", "[1][two][3.5][true][<no value>]"},
    {R"T({{$last := ""}}{{range .inputs.list}}{{$last = .}}{{end}}{{$last}})T", "c"},
    {R"T({{range split "," "a,b"}}{{.}};{{end}})T", "a;b;"},
    {R"T({{range $i, $c := split "," .inputs.csv}}{{if $i}},{{end}}{{$c | upper}}{{end}})T",
     "X,Y,Z"},
    {"{{range .inputs.list}}\n  - {{.}}\n{{- end}}", "\n  - a\n  - b\n  - c"},
    // --- with / else with ---
    {"{{with .inputs.bump}}{{.}}{{end}}", "minor"},
    {"{{with .inputs.empty}}x{{else}}empty{{end}}", "empty"},
    {"{{with .inputs.empty}}x{{else with .inputs.bump}}{{.}}{{end}}", "minor"},
    {R"T({{with 0}}a{{else with ""}}b{{else}}c{{end}})T", "c"},
    {"{{with $v := .inputs.count}}{{$v}}{{end}}", "3"},
    // --- define / template / block ---
    {R"T({{define "T1"}}ONE{{end}}{{define "T2"}}TWO{{end}}{{define "T3"}}{{template "T1"}} {{template "T2"}}{{end}}{{template "T3"}})T",
     "ONE TWO"},
    {R"T({{define "x"}}[{{.}}]{{end}}{{template "x" .inputs.bump}})T", "[minor]"},
    {R"T({{define "x"}}{{.}}{{end}}{{template "x"}})T", "<no value>"},
    {R"T({{block "b" .inputs.bump}}<{{.}}>{{end}})T", "<minor>"},
    {R"T({{define "rec"}}{{if .}}{{len .}}{{template "rec" slice . 1}}{{end}}{{end}}{{template "rec" .inputs.list}})T",
     "321"},
    {R"T({{define "v"}}{{$x := 1}}{{$x}}{{end}}{{$x := 2}}{{template "v"}}{{$x}})T", "12"},
    {R"T({{template "x" .}}{{define "x"}}{{.inputs.bump}}{{end}})T", "minor"},
    {R"T(a{{define "x"}}X{{end}}b)T", "ab"},
    {R"T({{define "x"}}   {{end}}{{define "x"}}Y{{end}}{{template "x"}})T", "Y"},
    // --- Tako: shell_quote, escapes ---
    {"{{.inputs.bump | shell_quote}}", "minor"},
    {R"T({{"a b" | shell_quote}})T", "'a b'"},
    {R"T({{"it's" | shell_quote}})T", R"T('it'\''s')T"},
    {R"T({{"" | shell_quote}})T", "''"},
    {"{{.inputs.list | shell_quote}}", "a b c"},
    {"{{3 | shell_quote}}", "3"},
    {R"T({{"$(rm -rf /)" | shell_quote}})T", "'$(rm -rf /)'"},
    {R"T({{json_escape "a\"b\\c\nd"}})T", R"T(a\"b\\c\nd)T"},
    {R"T({{url_encode "a b/c?d=é"}})T", "a%20b%2Fc%3Fd%3D%C3%A9"},
    {R"T({{html_escape "<b>&"}})T", "&lt;b&gt;&amp;"},
    // --- Tako: default, empty ---
    {R"T({{.inputs.tag | default "latest"}})T", "latest"},
    {R"T({{.inputs.bump | default "latest"}})T", "minor"},
    {R"T({{.inputs.empty | default "x"}})T", "x"},
    {"{{.inputs.zero | default 5}}", "5"},
    {R"T({{default "d" .inputs.missing.deep}})T", "d"},
    {R"T({{.steps.nope.outputs.version | default "0.0.0"}})T", "0.0.0"},
    {R"T({{index .inputs "nope" | default "z"}})T", "z"},
    {"{{empty .inputs.tag}} {{empty .inputs.bump}} {{empty .inputs.emptylist}}", "true false true"},
    {"{{.inputs.tag | empty}}", "true"},
    {"{{if empty .inputs.tag}}none{{end}}", "none"},
    // --- Tako: strings ---
    {"{{trim .inputs.spaces}}|", "padded|"},
    {R"T({{upper "abc"}} {{lower "ABC"}})T", "ABC abc"},
    {"{{.inputs.text | upper}}", "HELLO, WORLD"},
    {R"T({{split "," "a,b,c"}})T", "[a b c]"},
    {R"T({{len (split "," "")}})T", "1"},
    {R"T({{join "-" .inputs.list}})T", "a-b-c"},
    {R"T({{.inputs.nums | join "+"}})T", "1+2+3"},
    {R"T({{split "," .inputs.csv | join ";"}})T", "x;y;z"},
    {R"T({{replace "o" "0" "foo boo"}})T", "f00 b00"},
    {R"T({{.inputs.text | replace "World" "Tako"}})T", "Hello, Tako"},
    {R"T({{contains "ell" "hello"}} {{.inputs.text | contains "World"}})T", "true true"},
    {R"T({{contains "b" .inputs.list}} {{contains "z" .inputs.list}} {{contains "a" .inputs.obj}})T",
     "true false true"},
    {R"T({{has_prefix "he" "hello"}} {{has_suffix "lo" "hello"}} {{"v1.2" | has_prefix "v"}})T",
     "true true true"},
    // --- Tako: conversions ---
    {"{{to_string 3}}|{{to_string 1.5}}|{{to_string .inputs.none}}|", "3|1.5||"},
    {R"T({{printf "%q" (to_string 3)}})T", R"T("3")T"},
    {R"T({{to_int "42"}} {{to_int 3.9}} {{to_int "-7"}} {{to_int true}})T", "42 3 -7 1"},
    {R"T({{printf "%T" (to_int "5")}})T", "int"},
    {R"T({{printf "%T %v" (to_float 3) (to_float "2.5")}})T", "float64 2.5"},
    {R"T({{to_bool "true"}} {{to_bool 0}} {{if to_bool "false"}}y{{else}}n{{end}})T",
     "true false n"},
    // --- Tako: collections, JSON ---
    {"{{keys .inputs.obj}} {{values .inputs.obj}} {{keys .steps}}", "[a b] [1 2] [build meta]"},
    {R"T({{length "héllo"}} {{length .inputs.list}} {{length .inputs.none}})T", "5 3 0"},
    {"{{first .inputs.list}}{{last .inputs.list}}", "ac"},
    {R"T({{first "héllo"}}{{last "héllo"}})T", "ho"},
    {"{{first .inputs.emptylist}}", "<no value>"},
    {"{{to_json .inputs.obj}} {{to_json .inputs.list}}", R"T({"a":1,"b":2} ["a","b","c"])T"},
    {R"T({{to_json .inputs.whole}} {{to_json "a\"b"}} {{to_json .inputs.none}})T",
     R"T(3.0 "a\"b" null)T"},
    {"{{(from_json .inputs.json).k}}", "[1 2]"},
    {R"T({{index (from_json "[1,2]") 1}} {{from_json "3.0"}} {{printf "%T" (from_json "3")}})T",
     "2 3 int"},
    {R"T({{.inputs.bump | upper | printf "%s!" | shell_quote}})T", "'MINOR!'"},
    // --- the typical command of the benchmark ---
    {"./build.sh --bump {{ .inputs.bump | shell_quote }} --sha {{ .steps.meta.outputs.sha }}",
     "./build.sh --bump minor --sha abc123"},
};

class GoCompat : public ::testing::TestWithParam<Case> {};

TEST_P(GoCompat, RendersAsGoDocuments) {
  const Case& c = GetParam();
  try {
    EXPECT_EQ(render(c.tmpl, data()), c.want) << "template: " << c.tmpl;
  } catch (const TemplateError& e) {
    ADD_FAILURE() << "template: " << c.tmpl << "\nerror: " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Table, GoCompat, ::testing::ValuesIn(kCases));

TEST(GoCompatTable, HasAtLeast150Templates) {
  EXPECT_GE(std::size(kCases), 150u);
}

struct ErrorCase {
  const char* tmpl;
  const char* message;  // substring of what()
  int line;
  int column;
};

const ErrorCase kErrors[] = {
    // missing keys name the whole path and the keys that exist
    {"{{.inputs.tag}}",
     "map has no entry for key \"tag\" in .inputs.tag (keys at .inputs: big, bump,", 1, 3},
    {"{{.steps.deploy.outputs.url}}",
     "map has no entry for key \"deploy\" in .steps.deploy.outputs.url (keys at .steps: build, "
     "meta)",
     1, 3},
    {"x\n  {{ .nope }}", "keys at .: event, inputs, steps", 2, 6},
    {"{{.inputs.emptymap.x}}", ".inputs.emptymap is an empty map", 1, 3},
    {"{{.inputs.tag | upper}}", "no entry for key \"tag\"", 1, 3},
    {"{{$x := .inputs.tag}}", "no entry for key \"tag\"", 1, 9},
    {"{{if .inputs.tag}}{{end}}", "no entry for key \"tag\"", 1, 6},
    {"{{.inputs.none.x}}",
     "nil data; no entry for key \"x\" in .inputs.none.x (.inputs.none is null)", 1, 3},
    {"{{.inputs.bump.x}}", "can't evaluate field x in type string", 1, 3},
    {"{{index .inputs \"nope\"}}", "map has no entry for key \"nope\" (keys: big,", 1, 3},
    // parse errors
    {"{{if}}{{end}}", "missing value for if", 1, 5},
    {"{{end}}", "unexpected {{end}}", 1, 3},
    {"{{else}}", "unexpected {{else}}", 1, 3},
    {"{{if true}}", "unexpected EOF", 1, 12},
    {"{{.inputs.bump", "unclosed action", 1, 15},
    {"{{nosuch 1}}", "function \"nosuch\" not defined", 1, 3},
    {"{{ .x | shellquote }}", "function \"shellquote\" not defined (did you mean \"shell_quote\"?)",
     1, 9},
    {"{{$x}}", "undefined variable \"$x\"", 1, 3},
    {"{{len}}", "wrong number of args for len: want 1 got 0", 1, 3},
    {"{{len 1 2}}", "wrong number of args for len: want 1 got 2", 1, 3},
    {"{{\"a\" | default}}", "wrong number of args for default: want 2 got 1", 1, 9},
    {"{{\"a\" \"b\"}}", "can't give argument to non-function", 1, 3},
    {"{{.inputs.bump | .inputs.bump}}", "can't give argument to non-function .inputs.bump", 1, 18},
    {"{{1 | 2}}", "non executable command in pipeline stage 2", 1, 7},
    {"{{break}}", "{{break}} outside {{range}}", 1, 3},
    {"{{continue}}", "{{continue}} outside {{range}}", 1, 3},
    {"{{template \"nope\"}}", "template \"nope\" not defined", 1, 3},
    {"{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}", "multiple definition of template \"a\"", 1,
     23},
    {"{{\"unterminated}}", "unterminated quoted string", 1, 3},
    {"{{/* unclosed", "unclosed comment", 1, 1},
    {"{{/* c */ x}}", "comment ends before closing delimiter", 1, 1},
    {"{{(1}}", "unclosed left paren", 1, 5},
    {"{{1)}}", "unexpected right paren", 1, 4},
    {"{{3x}}", "bad number syntax", 1, 3},
    {"{{1i}}", "complex numbers are not supported", 1, 3},
    {"{{99999999999999999999}}", "overflows int", 1, 3},
    {"{{nil}}", "nil is not a command", 1, 3},
    {"{{if 1}}{{else}}{{else}}{{end}}", "expected {{end}}; found {{else}}", 1, 19},
    {"{{range $a, $b, $c := .}}{{end}}", "too many declarations in range", 1, 13},
    {"{{$a, $b := 1}}", "too many declarations in command", 1, 3},
    {"{{if true}}{{define \"x\"}}{{end}}{{end}}", "only allowed at the top level", 1, 14},
    {"line one\n{{ if }}", "missing value for if", 2, 7},
    {"{{ \"\\q\" }}", "unknown escape sequence", 1, 4},
    {"{{ @ }}", "unrecognized character in action", 1, 4},
    // execution errors
    {"{{index .inputs.list 5}}", "error calling index: index out of range: 5", 1, 3},
    {"{{index .inputs.list \"a\"}}", "cannot index slice/array with type string", 1, 3},
    {"{{index nil 1}}", "index of untyped nil", 1, 3},
    {"{{slice .inputs.list 2 1}}", "invalid slice index: 2 > 1", 1, 3},
    {"{{len 3}}", "error calling len: len of type int", 1, 3},
    {"{{lt 1 \"a\"}}", "incompatible types for comparison", 1, 3},
    {"{{eq 1 1.0}}", "incompatible types for comparison: int and float64", 1, 3},
    {"{{lt true false}}", "invalid type for comparison", 1, 3},
    {"{{eq .inputs.list .inputs.list}}", "non-comparable type", 1, 3},
    {"{{range 1.5}}{{end}}", "range can't iterate over 1.5", 1, 3},
    {"{{range true}}{{end}}", "range can't iterate over true", 1, 3},
    {"{{range $i, $e := 3}}{{end}}", "can't use 3 to iterate over more than one variable", 1, 3},
    {"{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\"}}",
     "exceeded maximum template depth (100)", 1, 17},
    {"{{to_int \"abc\"}}", "error calling to_int: cannot convert \"abc\" to int", 1, 3},
    {"{{from_json \"{\"}}", "error calling from_json: invalid JSON", 1, 3},
    {"{{shell_quote \"a\\x00b\"}}", "NUL byte", 1, 3},
    {"{{printf 1}}", "wrong type for value; expected string; got int", 1, 3},
    {"{{upper .inputs.list}}", "error calling upper: expected a string, got a list", 1, 3},
    {"{{join \",\" \"abc\"}}", "expected a list to join", 1, 3},
};

class Errors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(Errors, ReportMessageAndPosition) {
  const ErrorCase& c = GetParam();
  try {
    std::string out = render(c.tmpl, data());
    ADD_FAILURE() << "template: " << c.tmpl << " rendered " << out << " instead of failing";
  } catch (const TemplateError& e) {
    EXPECT_THAT(e.what(), HasSubstr(c.message)) << "template: " << c.tmpl;
    EXPECT_EQ(e.line(), c.line) << "template: " << c.tmpl << " error: " << e.what();
    EXPECT_EQ(e.column(), c.column) << "template: " << c.tmpl << " error: " << e.what();
    EXPECT_THAT(e.what(),
                HasSubstr(std::to_string(c.line) + ":" + std::to_string(c.column) + ": "));
  }
}

INSTANTIATE_TEST_SUITE_P(Table, Errors, ::testing::ValuesIn(kErrors));

TEST(Limits, OutputSizeIsCapped) {
  auto t = Template::parse("{{range 1000}}xxxxxxxxxx{{end}}");
  Limits limits;
  limits.max_output_bytes = 100;
  try {
    t->render(json::object(), limits);
    FAIL() << "expected an error";
  } catch (const TemplateError& e) {
    EXPECT_THAT(e.what(), HasSubstr("rendered output exceeds the limit of 100 bytes"));
  }
  EXPECT_EQ(t->render(json::object()).size(), 10000u);
}

TEST(Limits, EvaluationStepsAreCapped) {
  auto t = Template::parse("{{range 100000}}{{range 100000}}{{end}}{{end}}");
  Limits limits;
  limits.max_steps = 1'000'000;
  try {
    t->render(json::object(), limits);
    FAIL() << "expected an error";
  } catch (const TemplateError& e) {
    EXPECT_THAT(e.what(), HasSubstr("exceeded the limit of 1000000 steps"));
  }
}

TEST(Limits, DeepNestingIsAParseError) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "(";
  text = "{{" + text + "1";
  for (int i = 0; i < 200; ++i) text += ")";
  text += "}}";
  try {
    Template::parse(text);
    FAIL() << "expected an error";
  } catch (const TemplateError& e) {
    EXPECT_THAT(e.what(), HasSubstr("nesting too deep"));
  }
}

TEST(Limits, RecursionDepthIsConfigurable) {
  auto t = Template::parse(R"T({{define "r"}}x{{template "r" .}}{{end}}{{template "r"}})T");
  Limits limits;
  limits.max_template_depth = 5;
  try {
    t->render(json::object(), limits);
    FAIL() << "expected an error";
  } catch (const TemplateError& e) {
    EXPECT_THAT(e.what(), HasSubstr("exceeded maximum template depth (5)"));
  }
}

TEST(Template, RenderIsThreadSafe) {
  auto t = Template::parse("{{range .inputs.list}}{{. | upper}}{{end}}-{{.inputs.bump}}");
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 2000; ++k)
        ok[static_cast<std::size_t>(i)] += t->render(data()) == "ABC-minor";
    });
  }
  for (auto& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 2000);
}

TEST(Template, RenderToAppends) {
  auto t = Template::parse("{{.inputs.bump}}");
  std::string out = "bump=";
  t->render_to(out, data());
  EXPECT_EQ(out, "bump=minor");
}

TEST(Template, ErrorExposesMessageWithoutPosition) {
  try {
    Template::parse("{{ nosuch }}");
    FAIL();
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.message(), "function \"nosuch\" not defined");
    EXPECT_EQ(std::string(e.what()), "1:4: function \"nosuch\" not defined");
  }
}

TEST(TemplateCache, ReturnsTheSameParsedTemplate) {
  TemplateCache cache(4);
  auto a = cache.get("{{.x}}");
  auto b = cache.get("{{.x}}");
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(a->render(json{{"x", 1}}), "1");
}

TEST(TemplateCache, EvictsLeastRecentlyUsed) {
  TemplateCache cache(2);
  auto a = cache.get("a");
  cache.get("b");
  cache.get("a");  // a is now the most recent
  cache.get("c");  // evicts b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.get("a").get(), a.get());
  const auto misses = cache.misses();
  cache.get("b");
  EXPECT_EQ(cache.misses(), misses + 1);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(TemplateCache, ParseErrorsAreThrownNotCached) {
  TemplateCache cache(2);
  EXPECT_THROW(cache.get("{{"), TemplateError);
  EXPECT_THROW(cache.get("{{"), TemplateError);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TemplateCache, IsThreadSafe) {
  TemplateCache cache(8);
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 2000; ++k) {
        std::string text = "{{.x}}-" + std::to_string(k % 20);
        ok[static_cast<std::size_t>(i)] +=
            cache.get(text)->render(json{{"x", 1}}) == "1-" + std::to_string(k % 20);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 2000);
  EXPECT_LE(cache.size(), 8u);
}

}  // namespace
}  // namespace tako::tmpl
