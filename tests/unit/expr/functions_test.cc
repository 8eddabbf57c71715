#include <catch2/catch.hpp>

#include "expr_test_support.h"

using namespace rb;
using namespace rb::expr;
using namespace rb::expr::testing;

namespace {

List strings(std::initializer_list<const char*> items) {
  List out;
  for (const char* s : items) out.push_back(Value(s));
  return out;
}

}  // namespace

TEST_CASE("contains: substring of a string, element of a list") {
  CHECK(eval("contains('mysql-k8s', 'k8s')") == Value(true));
  CHECK(eval("contains('mysql-k8s', 'K8S')") == Value(false));  // case-sensitive
  CHECK(eval("contains('abc', '')") == Value(true));
  CHECK(eval("contains(inputs.tags, 'a')") == Value(true));
  CHECK(eval("contains(inputs.tags, 'c')") == Value(false));
  CHECK(eval("contains(inputs.numbers, 1.0)") == Value(true));
  CHECK(eval("contains([[1]], [1])") == Value(true));
  CHECK(eval_failure("contains('abc', 1)").message ==
        "contains() argument 2 must be a string, got integer");
  Failure f = eval_failure("contains(inputs.labels, 'team')");
  CHECK(f.message == "contains() argument 1 must be a string or a list, got map");
  CHECK(f.hint == "say which: contains(keys(m), x) for a key, contains(values(m), x) for a value");
  // Over a map's keys or values, said explicitly.
  CHECK(eval("contains(keys(inputs.labels), 'team')") == Value(true));
  CHECK(eval("contains(values(inputs.labels), 'team')") == Value(false));
  CHECK(eval("contains(values(inputs.labels), 'db')") == Value(true));
}

TEST_CASE("startsWith and endsWith") {
  CHECK(eval("startsWith('mysql-k8s', 'mysql')") == Value(true));
  CHECK(eval("startsWith('mysql-k8s', 'k8s')") == Value(false));
  CHECK(eval("endsWith('mysql-k8s', 'k8s')") == Value(true));
  CHECK(eval("endsWith('mysql-k8s', 'MySQL')") == Value(false));
  CHECK(eval("endsWith('', '')") == Value(true));
  CHECK(eval_failure("startsWith(1, 'a')").message ==
        "startsWith() argument 1 must be a string, got integer");
  CHECK(eval_failure("endsWith('a', null)").message ==
        "endsWith() argument 2 must be a string, got null");
}

TEST_CASE("matches: an RE2 partial match") {
  CHECK(eval("matches('rev-123', '[0-9]+')") == Value(true));
  CHECK(eval("matches('rev-123', '^[0-9]+$')") == Value(false));
  CHECK(eval("matches(inputs.app, '^my')") == Value(true));
  CHECK(eval("matches('abc', '(?i)ABC')") == Value(true));
  CHECK(eval("matches('abc', 'x' + '|b')") == Value(true));  // a computed pattern
  Failure f = eval_failure("matches('abc', '(' + inputs.app)");
  CHECK(f.message == "invalid regular expression: missing ): (mysql");
  CHECK(f.column == 25);
  CHECK(eval_failure("matches(1, 'a')").message ==
        "matches() argument 1 must be a string, got integer");
}

TEST_CASE("len counts characters, elements and entries") {
  CHECK(eval("len('abc')") == Value(3));
  CHECK(eval("len('')") == Value(0));
  CHECK(eval("len('h\xC3\xA9')") == Value(2));
  CHECK(eval("len(inputs.numbers)") == Value(3));
  CHECK(eval("len(inputs.labels)") == Value(2));
  CHECK(eval("len([])") == Value(0));
  CHECK(eval_failure("len(null)").message ==
        "len() argument 1 must be a string, a list or a map, got null");
}

TEST_CASE("lower, upper and trim") {
  CHECK(eval("lower('MySQL-K8s')") == Value("mysql-k8s"));
  CHECK(eval("upper('MySQL-K8s')") == Value("MYSQL-K8S"));
  CHECK(eval("trim('  a b \t\n ')") == Value("a b"));
  CHECK(eval("trim(\"\\t x \\n\")") == Value("x"));
  CHECK(eval("trim('')") == Value(""));
  CHECK(eval_failure("lower(1)").message == "lower() argument 1 must be a string, got integer");
  CHECK(eval_failure("upper([])").message == "upper() argument 1 must be a string, got list");
  CHECK(eval_failure("trim(true)").message == "trim() argument 1 must be a string, got boolean");
}

TEST_CASE("split: by a separator, or on runs of whitespace") {
  CHECK(eval("split('a,b,,c', ',')") == Value(strings({"a", "b", "", "c"})));
  CHECK(eval("split('a::b', '::')") == Value(strings({"a", "b"})));
  CHECK(eval("split('abc', ',')") == Value(strings({"abc"})));
  CHECK(eval("split('', ',')") == Value(strings({""})));
  CHECK(eval("split('  one two\n\tthree  ')") == Value(strings({"one", "two", "three"})));
  CHECK(eval("split(\"  one two\\n\\tthree  \")") == Value(strings({"one", "two", "three"})));
  CHECK(eval("split('   ')") == Value(List{}));
  Failure f = eval_failure("split('abc', '')");
  CHECK(f.message == "split() separator must not be empty");
  CHECK(f.hint == "omit it to split on whitespace");
  CHECK(f.column == 23);
}

TEST_CASE("join: elements as text, ',' by default") {
  CHECK(eval("join(inputs.tags)") == Value("b,a"));
  CHECK(eval("join(inputs.tags, ' | ')") == Value("b | a"));
  CHECK(eval("join([1, 2.5, true, null, 'x', [1]], '/')") == Value("1/2.5/true//x/[1]"));
  CHECK(eval("join([])") == Value(""));
  CHECK(eval_failure("join('abc')").message == "join() argument 1 must be a list, got string");
  CHECK(eval_failure("join([1], 2)").message == "join() argument 2 must be a string, got integer");
}

TEST_CASE("format: numbered placeholders and doubled braces") {
  CHECK(eval("format('{0}/{1}', inputs.app, 'leader')") == Value("mysql/leader"));
  CHECK(eval("format('{1}{0}{1}', 'a', 'b')") == Value("bab"));
  CHECK(eval("format('{{literal}} {0}', 1.5)") == Value("{literal} 1.5"));
  CHECK(eval("format('no placeholders')") == Value("no placeholders"));
  CHECK(eval("format('{0}', [1, 'a'])") == Value("[1,\"a\"]"));
  CHECK(eval("format('{0}{1}', null, true)") == Value("true"));
  // A computed format string is checked when it runs.
  Failure f = eval_failure("format(inputs.app + '{2}', 1)");
  CHECK(f.message ==
        "format() placeholder {2} has no argument: 1 argument follows the format "
        "string");
  CHECK(f.column == 17);
  CHECK(eval_failure("format('{0' + '', 1)").message ==
        "format() string has a '{' that is never closed");
  CHECK(eval_failure("format(1)").message == "format() argument 1 must be a string, got integer");
}

TEST_CASE("fromJSON and toJSON round-trip") {
  CHECK(eval("fromJSON('{\"a\": [1, 2.5, \"x\", null, true]}')") ==
        Value(Map{{"a", List{1, 2.5, "x", Value(), true}}}));
  CHECK(eval("fromJSON('42')").is_int());
  CHECK(eval("fromJSON('42.5')").is_double());
  CHECK(eval("fromJSON('\"s\"')") == Value("s"));
  CHECK(eval("fromJSON('null')").is_null());
  CHECK(eval("toJSON(inputs.labels)") == Value(R"({"team":"db","tier":"gold"})"));
  CHECK(eval("toJSON('a\"b')") == Value(R"("a\"b")"));
  CHECK(eval("toJSON(null)") == Value("null"));
  CHECK(eval("toJSON([1, 1.5, 'x'])") == Value(R"([1,1.5,"x"])"));
  CHECK(eval("fromJSON(toJSON(inputs)) == inputs") == Value(true));
  CHECK(eval("toJSON(fromJSON('{\"b\":1,\"a\":{\"c\":[]}}'))") == Value(R"({"a":{"c":[]},"b":1})"));
  Failure f = eval_failure("fromJSON('{\"a\": }')");
  CHECK(f.message.rfind("fromJSON() got invalid JSON: parse error at line 1, column 7", 0) == 0);
  CHECK(f.column == 19);
  CHECK(eval_failure("fromJSON(1)").message ==
        "fromJSON() argument 1 must be a string, got integer");
}

TEST_CASE("default: the fallback for null or ''") {
  CHECK(eval("default(inputs.nothing, 'x')") == Value("x"));
  CHECK(eval("default(inputs.empty, 'x')") == Value("x"));
  CHECK(eval("default(inputs.app, 'x')") == Value("mysql"));
  CHECK(eval("default(0, 5)") == Value(0));
  CHECK(eval("default(false, 5)") == Value(false));
  CHECK(eval("default([], 5)") == Value(List{}));
  CHECK(eval("default(steps.skipped.outputs.version, 'none')") == Value("none"));
}

TEST_CASE("int: from integers, numbers, booleans and strings of digits") {
  CHECK(eval("int(42)") == Value(42));
  CHECK(eval("int(3.9)") == Value(3));
  CHECK(eval("int(-3.9)") == Value(-3));
  CHECK(eval("int(3.9)").is_int());
  CHECK(eval("int(true)") == Value(1));
  CHECK(eval("int(false)") == Value(0));
  CHECK(eval("int('42')") == Value(42));
  CHECK(eval("int(' -7 ')") == Value(-7));
  CHECK(eval("int('+8')") == Value(8));
  CHECK(eval("int('9223372036854775807')") == Value(int64_t{9223372036854775807}));
  Failure f = eval_failure("int('4.5')");
  CHECK(f.message == "int() cannot convert '4.5' to an integer");
  CHECK(f.hint == "it takes whole numbers such as '42' or '-7'; use number() for decimals");
  CHECK(eval_failure("int('')").message == "int() cannot convert '' to an integer");
  CHECK(eval_failure("int('12abc')").message == "int() cannot convert '12abc' to an integer");
  CHECK(eval_failure("int('99999999999999999999')").message ==
        "int() cannot convert '99999999999999999999' to an integer");
  CHECK(eval_failure("int(1e300)").message ==
        "int() cannot convert 1e+300 to an integer: out of "
        "range");
  CHECK(eval_failure("int(null)").message ==
        "int() argument 1 must be an integer, a number, a boolean or a string of digits, got null");
  CHECK(eval_failure("int([1])").message ==
        "int() argument 1 must be an integer, a number, a boolean or a string of digits, got list");
}

TEST_CASE("number: numbers from strings") {
  CHECK(eval("number('1.5')") == Value(1.5));
  CHECK(eval("number(' 2e3 ')") == Value(2000.0));
  CHECK(eval("number('42')").is_int());
  CHECK(eval("number(7)") == Value(7));
  CHECK(eval("number(0.5)") == Value(0.5));
  CHECK(eval("number(true)") == Value(1));
  CHECK(eval("number('10') / 4") == Value(2.5));
  CHECK(eval_failure("number('abc')").message == "number() cannot convert 'abc' to a number");
  CHECK(eval_failure("number('inf')").message == "number() cannot convert 'inf' to a number");
  CHECK(eval_failure("number(null)").message ==
        "number() argument 1 must be a number, a boolean or a string, got null");
}

TEST_CASE("string: any value as text") {
  CHECK(eval("string(42)") == Value("42"));
  CHECK(eval("string(2.50)") == Value("2.5"));
  CHECK(eval("string(null)") == Value(""));
  CHECK(eval("string(true)") == Value("true"));
  CHECK(eval("string([1, 'a'])") == Value("[1,\"a\"]"));
  CHECK(eval("string(42) + 'x'") == Value("42x"));
}

TEST_CASE("keys and values of a map, in key order") {
  CHECK(eval("keys(inputs.labels)") == Value(strings({"team", "tier"})));
  CHECK(eval("values(inputs.labels)") == Value(strings({"db", "gold"})));
  CHECK(eval("keys(fromJSON('{\"b\":1,\"a\":2}'))") == Value(strings({"a", "b"})));
  CHECK(eval("keys(fromJSON('{}'))") == Value(List{}));
  CHECK(eval_failure("keys([1])").message == "keys() argument 1 must be a map, got list");
  CHECK(eval_failure("values('a')").message == "values() argument 1 must be a map, got string");
}

TEST_CASE("sort: all numbers or all strings") {
  CHECK(eval("sort(inputs.numbers)") == Value(List{1, 2, 3}));
  CHECK(eval("sort([2.5, 1, -3])") == Value(List{-3, 1, 2.5}));
  CHECK(eval("sort(['b', 'B', 'a'])") == Value(strings({"B", "a", "b"})));
  CHECK(eval("sort([])") == Value(List{}));
}

TEST_CASE("sort: strings in natural order, digit runs as numbers") {
  CHECK(eval("sort(['mysql/10', 'mysql/9', 'mysql/11', 'mysql/0', 'mysql/1'])") ==
        Value(strings({"mysql/0", "mysql/1", "mysql/9", "mysql/10", "mysql/11"})));
  // "highest ordinal first" on 12 units, and with gaps (machines 2, 7, 13, 100)
  CHECK(eval("reverse(sort(['pg/0','pg/1','pg/2','pg/3','pg/4','pg/5','pg/6','pg/7','pg/8',"
             "'pg/9','pg/10','pg/11']))[0]") == Value("pg/11"));
  CHECK(eval("sort(['m/100', 'm/13', 'm/2', 'm/7'])") ==
        Value(strings({"m/2", "m/7", "m/13", "m/100"})));
  CHECK(eval("sort(['a10b2', 'a10b10', 'a9', 'b'])") ==
        Value(strings({"a9", "a10b2", "a10b10", "b"})));
  CHECK(eval("sort(['x07', 'x7', 'x6', 'x'])") == Value(strings({"x", "x6", "x07", "x7"})));
  CHECK(eval("sort(['2026-01-10', '2025-12-31'])") == Value(strings({"2025-12-31", "2026-01-10"})));
  CHECK(eval_failure("sort([1, 'a'])").message ==
        "sort() needs a list of only numbers or only strings");
  CHECK(eval_failure("sort([null])").message ==
        "sort() needs a list of only numbers or only strings");
  CHECK(eval_failure("sort('cba')").message == "sort() argument 1 must be a list, got string");
}

TEST_CASE("reverse: a list or the characters of a string") {
  CHECK(eval("reverse([1, 2, 3])") == Value(List{3, 2, 1}));
  CHECK(eval("reverse('abc')") == Value("cba"));
  CHECK(eval("reverse('h\xC3\xA9')") == Value("\xC3\xA9h"));
  CHECK(eval("reverse([])") == Value(List{}));
  CHECK(eval_failure("reverse(1)").message ==
        "reverse() argument 1 must be a list or a string, got integer");
}

TEST_CASE("range: integers, end exclusive") {
  CHECK(eval("range(3)") == Value(List{0, 1, 2}));
  CHECK(eval("range(0)") == Value(List{}));
  CHECK(eval("range(-2)") == Value(List{}));
  CHECK(eval("range(2, 5)") == Value(List{2, 3, 4}));
  CHECK(eval("range(5, 2)") == Value(List{}));
  CHECK(eval("range(0, 10, 4)") == Value(List{0, 4, 8}));
  CHECK(eval("range(5, 0, -2)") == Value(List{5, 3, 1}));
  CHECK(eval("len(range(100000))") == Value(100000));
  CHECK(eval("len(range(-9223372036854775807 - 1, -9223372036854775807 + 2))") == Value(3));
  Failure f = eval_failure("range(0, 10, 0)");
  CHECK(f.message == "range() step must not be 0");
  CHECK(f.column == 23);
  CHECK(eval_failure("range(100001)").message == "range() would make more than 100000 elements");
  CHECK(eval_failure("range(-9223372036854775807 - 1, 9223372036854775807)").message ==
        "range() would make more than 100000 elements");
  CHECK(eval_failure("range(1.5)").message == "range() argument 1 must be an integer, got number");
}

TEST_CASE("replace: every occurrence") {
  CHECK(eval("replace('a-b-c', '-', '_')") == Value("a_b_c"));
  CHECK(eval("replace('aaa', 'aa', 'b')") == Value("ba"));
  CHECK(eval("replace('abc', 'x', 'y')") == Value("abc"));
  CHECK(eval("replace('abc', 'b', '')") == Value("ac"));
  CHECK(eval_failure("replace('abc', '', 'x')").message ==
        "replace() needs a non-empty string to replace");
  CHECK(eval_failure("replace('abc', 'b', 1)").message ==
        "replace() argument 3 must be a string, got integer");
}

TEST_CASE("raw: returns its argument") {
  CHECK(eval("raw('$(date)')") == Value("$(date)"));
  CHECK(eval("raw(inputs.numbers)") == Value(List{3, 1, 2}));
}
