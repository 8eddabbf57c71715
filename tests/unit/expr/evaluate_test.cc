#include <catch2/catch.hpp>

#include "expr_test_support.h"

using namespace rb;
using namespace rb::expr;
using namespace rb::expr::testing;

TEST_CASE("'+' adds numbers and joins strings and lists; any other mix is an error") {
  CHECK(eval("1 + 2").is_int());
  CHECK(eval("1 + 2") == Value(3));
  CHECK(eval("1 + 0.5").is_double());
  CHECK(eval("1 + 0.5") == Value(1.5));
  CHECK(eval("0.25 + 0.25") == Value(0.5));
  CHECK(eval("'ab' + 'cd'") == Value("abcd"));
  CHECK(eval("[1] + [2, 3]") == Value(List{1, 2, 3}));
  CHECK(eval("inputs.app + '-' + inputs.mode") == Value("mysql-store"));

  Failure f = eval_failure("'a' + 1");
  CHECK(f.message == "cannot add string and integer");
  CHECK(f.hint == "use format() or string()");
  CHECK(f.column == 14);

  f = eval_failure("inputs.revision + inputs.app");
  CHECK(f.message == "cannot add integer and string");
  CHECK(f.column == 26);

  f = eval_failure("[1] + 2");
  CHECK(f.message == "cannot add list and integer");
  CHECK(f.hint == "to append an element, wrap it in a list: list + [x]");

  f = eval_failure("inputs.nothing + 1");
  CHECK(f.message == "cannot add null and integer");
  CHECK(f.hint == "a value is null: use default() to give a fallback");

  CHECK(eval_failure("true + true").message == "cannot add boolean and boolean");
  CHECK(eval_failure("9223372036854775807 + 1").message == "integer overflow in '+'");
}

TEST_CASE("'-' '*' '/' '%' take numbers only") {
  CHECK(eval("7 - 10") == Value(-3));
  CHECK(eval("1.5 - 1") == Value(0.5));
  CHECK(eval("6 * 7") == Value(42));
  CHECK(eval("6 * 0.5") == Value(3.0));
  CHECK(eval("7 % 3") == Value(1));
  CHECK(eval("-7 % 3") == Value(-1));
  CHECK(eval("7.5 % 2") == Value(1.5));

  Failure f = eval_failure("'10' - 1");
  CHECK(f.message == "cannot apply '-' to string and integer");
  CHECK(f.hint == "convert one side with int(), number() or string()");
  CHECK(f.column == 15);
  CHECK(eval_failure("[1] * 2").message == "cannot apply '*' to list and integer");
  CHECK(eval_failure("1 / 'x'").message == "cannot apply '/' to integer and string");
  CHECK(eval_failure("null % 2").message == "cannot apply '%' to null and integer");

  CHECK(eval_failure("-9223372036854775807 - 2").message == "integer overflow in '-'");
  CHECK(eval_failure("4611686018427387904 * 2").message == "integer overflow in '*'");
}

TEST_CASE("division: exact integer division stays an integer, else a number") {
  CHECK(eval("6 / 3").is_int());
  CHECK(eval("6 / 3") == Value(2));
  CHECK(eval("-6 / 3") == Value(-2));
  CHECK(eval("7 / 2").is_double());
  CHECK(eval("7 / 2") == Value(3.5));
  CHECK(eval("1 / 4.0") == Value(0.25));
}

TEST_CASE("division or remainder by zero is a runtime error") {
  Failure f = eval_failure("1 / 0");
  CHECK(f.message == "division by zero");
  CHECK(f.column == 12);
  CHECK(eval_failure("1.5 / 0.0").message == "division by zero");
  CHECK(eval_failure("5 % 0").message == "division by zero");
  CHECK(eval_failure("5.5 % 0").message == "division by zero");
  CHECK(eval_failure("(-9223372036854775807 - 1) / -1").message == "integer overflow in '/'");
  CHECK(eval("(-9223372036854775807 - 1) % -1") == Value(0));
}

TEST_CASE("unary '!' negates truthiness and '-' negates numbers") {
  CHECK(eval("!true") == Value(false));
  CHECK(eval("!0") == Value(true));
  CHECK(eval("!''") == Value(true));
  CHECK(eval("![]") == Value(true));
  CHECK(eval("!'x'") == Value(false));
  CHECK(eval("!!inputs.app") == Value(true));
  CHECK(eval("-inputs.revision") == Value(-42));
  CHECK(eval("-inputs.ratio") == Value(-0.5));
  Failure f = eval_failure("-inputs.app");
  CHECK(f.message == "cannot negate string");
  CHECK(f.hint == "convert it with int() or number()");
  CHECK(f.column == 10);
  CHECK(eval_failure("-(-9223372036854775807 - 1)").message == "integer overflow in '-'");
}

TEST_CASE("ordering compares numbers with numbers and strings with strings") {
  CHECK(eval("1 < 2") == Value(true));
  CHECK(eval("2 <= 2") == Value(true));
  CHECK(eval("3 > 2.5") == Value(true));
  CHECK(eval("2.5 >= 3") == Value(false));
  CHECK(eval("'abc' < 'abd'") == Value(true));
  CHECK(eval("'B' < 'a'") == Value(true));  // byte order
  CHECK(eval("'b' >= 'b'") == Value(true));
  CHECK(eval("'' < 'a'") == Value(true));
  CHECK(eval("9223372036854775807 > 9223372036854775806") == Value(true));

  Failure f = eval_failure("inputs.app < 3");
  CHECK(f.message == "cannot compare string with integer");
  CHECK(f.hint == "convert one side with int() or string()");
  CHECK(f.column == 21);
  CHECK(eval_failure("null > 1").message == "cannot compare null with integer");
  CHECK(eval_failure("[1] < [2]").message == "cannot compare list with list");
  CHECK(eval_failure("true < false").message == "cannot compare boolean with boolean");
}

TEST_CASE("'==' and '!=' are structural; a string against a number is an error") {
  CHECK(eval("1 == 1") == Value(true));
  CHECK(eval("1 == 1.0") == Value(true));
  CHECK(eval("1 != 2") == Value(true));
  CHECK(eval("'a' == 'a'") == Value(true));
  CHECK(eval("'a' != 'b'") == Value(true));
  CHECK(eval("null == null") == Value(true));
  CHECK(eval("null == 0") == Value(false));
  CHECK(eval("null == ''") == Value(false));
  CHECK(eval("null != false") == Value(true));
  CHECK(eval("true == 1") == Value(false));
  CHECK(eval("[1, [2]] == [1, [2.0]]") == Value(true));
  CHECK(eval("[1, 2] == [2, 1]") == Value(false));
  CHECK(eval("inputs.labels == fromJSON('{\"tier\":\"gold\",\"team\":\"db\"}')") == Value(true));
  CHECK(eval("steps.skipped == null") == Value(true));
  CHECK(eval("['1'] == [1]") == Value(false));  // only a bare string against a number is refused

  Failure f = eval_failure("inputs.revision == '42'");
  CHECK(f.message == "cannot compare integer with string using '=='");
  CHECK(f.hint == "convert one side with int() or string()");
  CHECK(f.column == 26);
  f = eval_failure("'1.5' != 1.5");
  CHECK(f.message == "cannot compare string with number using '!='");
}

TEST_CASE("'&&' and '||' short-circuit and yield the operand that decided") {
  CHECK(eval("inputs.empty || 'default'") == Value("default"));
  CHECK(eval("inputs.nothing || inputs.app") == Value("mysql"));
  CHECK(eval("inputs.app || 'default'") == Value("mysql"));
  CHECK(eval("'x' && 42") == Value(42));
  CHECK(eval("0 && 42") == Value(0));
  CHECK(eval("[] && 1") == Value(List{}));
  CHECK(eval("null || 0") == Value(0));
  // The side not needed is never evaluated.
  CHECK(eval("false && (1 / 0)") == Value(false));
  CHECK(eval("true || (1 / 0)") == Value(true));
  CHECK(eval("inputs.nothing && inputs.nothing.x.y[0] + 1") == Value());
  CHECK(eval("false && unbound") == Value(false));
  CHECK(eval_failure("true && 1 / 0").message == "division by zero");
  CHECK(eval_failure("false || 1 / 0").message == "division by zero");
}

TEST_CASE("'.name' reads a map's field; null when the map is null or a checked name is unset") {
  CHECK(eval("inputs.app") == Value("mysql"));
  CHECK(eval("inputs.missing").is_null());
  CHECK(eval("steps.pre-check.outputs.version") == Value("8.0"));
  CHECK(eval("steps.skipped.outputs.version").is_null());
  CHECK(eval("steps.never-ran.status").is_null());
  CHECK(eval("inputs.nothing.a.b.c").is_null());
  CHECK(eval("inputs.labels.team") == Value("db"));

  Failure f = eval_failure("inputs.app.length");
  CHECK(f.message == "cannot read field 'length' of string");
  CHECK(f.column == 21);
  f = eval_failure("inputs.tags.first");
  CHECK(f.message == "cannot read field 'first' of list");
  CHECK(f.hint == "a list is indexed by position: x[0]");
  CHECK(eval_failure("(1).x").message == "cannot read field 'x' of integer");
}

TEST_CASE("'[ ]' indexes lists by position, maps by key and strings by character") {
  CHECK(eval("inputs.numbers[0]") == Value(3));
  CHECK(eval("inputs.numbers[2]") == Value(2));
  CHECK(eval("inputs.numbers[-1]") == Value(2));
  CHECK(eval("inputs.numbers[-3]") == Value(3));
  CHECK(eval("inputs.numbers[1 + 1]") == Value(2));
  CHECK(eval("[[1, 2], [3]][0][1]") == Value(2));
  CHECK(eval("inputs['app']") == Value("mysql"));
  CHECK(eval("inputs.labels['te' + 'am']") == Value("db"));
  CHECK(eval("default(inputs.numbers[3], 0)") == Value(0));
  CHECK(eval("inputs['nope']").is_null());
  CHECK(eval("steps['pre-check'].status") == Value("succeeded"));
  CHECK(eval("'hello'[1]") == Value("e"));
  CHECK(eval("'hello'[-1]") == Value("o"));
  CHECK(eval("'hello'[5]").is_null());
  CHECK(eval("'h\xC3\xA9llo'[1]") == Value("\xC3\xA9"));  // a character, not a byte
  CHECK(eval("steps.skipped['x']").is_null());

  Failure f = eval_failure("inputs.numbers['0']");
  CHECK(f.message == "a list index must be an integer, got string");
  CHECK(f.hint == "convert it with int()");
  CHECK(f.column == 24);
  CHECK(eval_failure("inputs.numbers[0.0]").message ==
        "a list index must be an integer, got number");
  CHECK(eval_failure("inputs.labels[1]").message == "a map index must be a string, got integer");
  CHECK(eval_failure("'abc'['a']").message == "a string index must be an integer, got string");
  CHECK(eval_failure("inputs.revision[0]").message == "cannot index integer");
}

TEST_CASE("a missing key or index is an error naming the keys there are, unless default()") {
  // Data (a command's JSON, a loop item, an input's map): what is not there is an error.
  Failure f = eval_failure("inputs.labels.tem");
  CHECK(f.message == "'inputs.labels' has no key 'tem'");
  CHECK(f.hint ==
        "did you mean 'team'? (if a missing value is fine, write default(inputs.labels.tem, ...))");
  CHECK(f.column == 24);  // at the name tem
  f = eval_failure("inputs.labels['zone']");
  CHECK(f.message == "'inputs.labels' has no key 'zone'");
  CHECK(f.hint ==
        "its keys are: team, tier (if a missing value is fine, write "
        "default(inputs.labels['zone'], ...))");
  f = eval_failure("inputs.numbers[3]");
  CHECK(f.message == "index 3 is past the end of inputs.numbers (a list of 3 elements)");
  CHECK(eval_failure("inputs.numbers[-4]").message ==
        "index -4 is past the end of inputs.numbers (a list of 3 elements)");
  CHECK(eval_failure("fromJSON('{\"a\": {\"b\": 1}}').a.c.d").message ==
        "'fromJSON('{\"a\": {\"b\": 1}}').a' has no key 'c'");
  // default() says a missing value is fine, anywhere along its first argument.
  CHECK(eval("default(inputs.labels.zone, 'none')") == Value("none"));
  CHECK(eval("default(inputs.labels.zone.name, 'none')") == Value("none"));
  CHECK(eval("default(inputs.labels.team, 'none')") == Value("db"));
  // ... but only a missing value: other errors still fail.
  CHECK(eval_failure("default(inputs.app.length, 'x')").message ==
        "cannot read field 'length' of string");
  // The names the checker verified read as null when not set yet (a var set later, a step that
  // has not run), as does anything below a null.
  CHECK(eval("inputs.missing").is_null());
  CHECK(eval("steps.never-ran.outputs.x").is_null());
}

TEST_CASE("a name the scope does not bind is a runtime error") {
  Failure f = eval_failure("1 + nothing_here");
  CHECK(f.message == "unknown name 'nothing_here'");
  CHECK(f.column == 14);
}

TEST_CASE("a scope falls back to its parent") {
  MapScope outer;
  outer.set("item", "outer");
  outer.set("x", 1);
  MapScope inner(&outer);
  inner.set("item", "inner");
  CHECK(eval("item", inner) == Value("inner"));
  CHECK(eval("x", inner) == Value(1));
  CHECK(eval("item", outer) == Value("outer"));
  CHECK(inner.lookup("nope") == nullptr);
}

TEST_CASE("function errors point at the argument they are about") {
  Failure f = eval_failure("len(inputs.revision)");
  CHECK(f.message == "len() argument 1 must be a string, a list or a map, got integer");
  CHECK(f.column == 14);
  f = eval_failure("split('a b', inputs.revision)");
  CHECK(f.message == "split() argument 2 must be a string, got integer");
  CHECK(f.hint == "convert it with string()");
  CHECK(f.column == 23);
  f = eval_failure("range(1000000)");
  CHECK(f.message == "range() would make more than 100000 elements");
  CHECK(f.column == 10);
}
