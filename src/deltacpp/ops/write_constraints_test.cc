#include "deltacpp/ops/write_constraints.h"

#include <arrow/json/from_string.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/testing/batches.h"
#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

// A Delta schema string of the fields given as JSON objects, as Spark writes it.
std::shared_ptr<arrow::Schema> Schema(const std::string& fields) {
  return ParseSchemaJson(R"({"type":"struct","fields":[)" + fields + "]}").ValueOrDie();
}

std::string Field(const std::string& name, const std::string& type, bool nullable = true,
                  const std::string& metadata = "{}") {
  return R"({"name":")" + name + R"(","type":)" + type + R"(,"nullable":)" +
         (nullable ? "true" : "false") + R"(,"metadata":)" + metadata + "}";
}

// Field metadata as Spark writes it: the invariant is JSON kept as a string.
std::string Invariant(const std::string& sql) {
  return R"({"delta.invariants":"{\"expression\":{\"expression\":\")" + sql + R"(\"}}"})";
}

std::string Generated(const std::string& sql) {
  return R"({"delta.generationExpression":")" + sql + R"("})";
}

std::shared_ptr<arrow::RecordBatch> Batch(const arrow::FieldVector& fields,
                                          const std::string& json) {
  return testing::BatchFromJson(arrow::schema(fields), json);
}

// Expects `status` to fail with kInvalidArgument and a message containing `part`.
void ExpectViolation(const Status& status, const std::string& part) {
  ASSERT_RAISES_DELTA(kInvalidArgument, status);
  EXPECT_NE(status.message().find(part), std::string::npos) << status.message();
}

const auto kIdName = Field("id", R"("long")") + "," + Field("name", R"("string")");

TEST(WriteConstraintsTest, CheckConstraintViolationNamesTheConstraintAndARow) {
  auto schema = Schema(kIdName);
  ASSERT_OK_AND_ASSIGN(
      auto constraints,
      WriteConstraints::Make(schema, {{"delta.constraints.positive_id", "id > 0"},
                                      {"other.key", "ignored"}}));
  ASSERT_OK(constraints.Apply(
      Batch(schema->fields(), R"([{"id": 1, "name": "a"}, {"id": 2, "name": null}])")));
  auto result = constraints.Apply(
      Batch(schema->fields(), R"([{"id": 1, "name": "a"}, {"id": -1, "name": "x"}])"));
  ExpectViolation(result.status(),
                  "CHECK constraint positive_id (id > 0) violated by row {id: -1, "
                  "name: 'x'}");
}

TEST(WriteConstraintsTest, ANullResultViolatesAConstraint) {
  // PROTOCOL.md: a CHECK constraint must return true; Delta Spark fails on null too.
  auto schema = Schema(kIdName);
  ASSERT_OK_AND_ASSIGN(
      auto constraints,
      WriteConstraints::Make(schema, {{"delta.constraints.positive", "id > 0"},
                                      {"delta.constraints.named",
                                       "name IS NULL OR "
                                       "length(name) < 4"}}));
  auto result =
      constraints.Apply(Batch(schema->fields(), R"([{"id": null, "name": "a"}])"));
  ExpectViolation(
      result.status(),
      "CHECK constraint positive (id > 0) violated by row {id: NULL, name: 'a'}");
  result = constraints.Apply(Batch(schema->fields(), R"([{"id": 3, "name": "long"}])"));
  ExpectViolation(result.status(), "CHECK constraint named");
  ASSERT_OK(constraints.Apply(Batch(schema->fields(), R"([{"id": 3, "name": null}])")));
}

TEST(WriteConstraintsTest, ConstraintsUseTheWholeLanguage) {
  auto schema = Schema(Field("lo", R"("integer")") + "," + Field("hi", R"("integer")") +
                       "," + Field("day", R"("date")"));
  ASSERT_OK_AND_ASSIGN(
      auto constraints,
      WriteConstraints::Make(
          schema,
          {{"delta.constraints.ordered", "LO < Hi AND hi - lo <= 10"},
           {"delta.constraints.recent", "day > '2000-01-01' AND year(day) % 2 = 0"}}));
  auto fields = schema->fields();
  ASSERT_OK(constraints.Apply(Batch(fields, R"([{"lo": 1, "hi": 5, "day": 18300}])")));
  ExpectViolation(
      constraints.Apply(Batch(fields, R"([{"lo": 1, "hi": 20, "day": 18300}])")).status(),
      "CHECK constraint ordered (LO < Hi AND hi - lo <= 10) violated by row {lo: 1, hi: "
      "20, day: 2020-02-08}");
  // 2021: an odd year.
  ExpectViolation(
      constraints.Apply(Batch(fields, R"([{"lo": 1, "hi": 2, "day": 18700}])")).status(),
      "CHECK constraint recent");
}

TEST(WriteConstraintsTest, InvariantsAreCheckedOnTopLevelAndStructFields) {
  auto schema = Schema(
      Field("x", R"("integer")", true, Invariant("x > 3")) + "," +
      Field("s", R"({"type":"struct","fields":[)" +
                     Field("v", R"("integer")", true, Invariant("s.v < 3")) + "]}"));
  ASSERT_OK_AND_ASSIGN(auto constraints, WriteConstraints::Make(schema, {}));
  auto fields = schema->fields();
  ASSERT_OK(constraints.Apply(Batch(fields, R"([{"x": 4, "s": {"v": 1}}])")));
  ExpectViolation(
      constraints.Apply(Batch(fields, R"([{"x": 2, "s": {"v": 1}}])")).status(),
      "invariant of column x (x > 3) violated by row {x: 2, s: {v: 1}}");
  // An invariant that is null fails (PROTOCOL.md: "false or null").
  ExpectViolation(
      constraints.Apply(Batch(fields, R"([{"x": null, "s": {"v": 1}}])")).status(),
      "invariant of column x (x > 3) violated by row {x: NULL");
  ExpectViolation(
      constraints.Apply(Batch(fields, R"([{"x": 5, "s": {"v": 7}}])")).status(),
      "invariant of column s.v (s.v < 3)");
  ExpectViolation(constraints.Apply(Batch(fields, R"([{"x": 5, "s": null}])")).status(),
                  "invariant of column s.v (s.v < 3)");
}

TEST(WriteConstraintsTest, NotNullHoldsForNestedFieldsAndTheirParents) {
  const std::string inner = R"({"type":"struct","fields":[)" +
                            Field("k", R"("string")", false) + "," +
                            Field("w", R"("string")") + "]}";
  const std::string listed =
      R"({"type":"array","elementType":{"type":"struct","fields":[)" +
      Field("e", R"("string")", false) + R"(]},"containsNull":true})";
  auto schema = Schema(Field("id", R"("long")", false) + "," + Field("s", inner) + "," +
                       Field("l", listed));
  ASSERT_OK_AND_ASSIGN(auto constraints, WriteConstraints::Make(schema, {}));
  EXPECT_FALSE(constraints.empty());
  auto fields = schema->fields();
  ASSERT_OK(constraints.Apply(
      Batch(fields, R"([{"id": 1, "s": {"k": "a", "w": null}, "l": null}])")));
  ExpectViolation(
      constraints
          .Apply(Batch(fields, R"([{"id": null, "s": {"k": "a", "w": null}, "l": []}])"))
          .status(),
      "NOT NULL constraint on column id violated by row {id: NULL");
  ExpectViolation(
      constraints
          .Apply(Batch(fields, R"([{"id": 1, "s": {"k": "a", "w": "b"}, "l": null},
                                   {"id": 2, "s": {"k": null, "w": "b"}, "l": null}])"))
          .status(),
      "NOT NULL constraint on column s.k violated by row {id: 2,");
  // A null struct has a null field: as in Delta Spark, its NOT NULL field is violated.
  ExpectViolation(
      constraints.Apply(Batch(fields, R"([{"id": 1, "s": null, "l": null}])")).status(),
      "NOT NULL constraint on column s.k");
  // Fields inside arrays are not checked (Delta Spark leaves them unenforced).
  ASSERT_OK(constraints.Apply(
      Batch(fields, R"([{"id": 1, "s": {"k": "a", "w": null}, "l": [{"e": null}]}])")));
}

class GeneratedColumnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = Schema(
        Field("id", R"("long")") + "," + Field("a", R"("string")") + "," +
        Field("b", R"("string")") + "," + Field("eventTime", R"("timestamp")") + "," +
        Field("eventDate", R"("date")", true, Generated("CAST(eventTime AS DATE)")) +
        "," + Field("year", R"("integer")", true, Generated("YEAR(eventTime)")) + "," +
        Field("twice", R"("long")", true, Generated("id * 2")) + "," +
        Field("ab", R"("string")", true, Generated("concat(a, '-', b)")));
    ASSERT_OK_AND_ASSIGN(auto constraints, WriteConstraints::Make(schema_, {}));
    constraints_ = std::make_unique<WriteConstraints>(std::move(constraints));
  }

  // The base columns, in another order than the table's.
  arrow::FieldVector BaseFields() const {
    return {schema_->GetFieldByName("eventTime"), schema_->GetFieldByName("b"),
            schema_->GetFieldByName("a"), schema_->GetFieldByName("id")};
  }

  std::shared_ptr<arrow::Schema> schema_;
  std::unique_ptr<WriteConstraints> constraints_;
};

TEST_F(GeneratedColumnsTest, OmittedColumnsAreComputed) {
  EXPECT_TRUE(constraints_->IsGenerated("eventDate"));
  EXPECT_TRUE(constraints_->IsGenerated("ab"));
  EXPECT_FALSE(constraints_->IsGenerated("id"));
  EXPECT_FALSE(constraints_->IsGenerated("nope"));
  auto batch = Batch(BaseFields(), R"([
      {"eventTime": "2024-05-17 23:30:00", "b": "y", "a": "x", "id": 21},
      {"eventTime": null, "b": null, "a": "x", "id": null}])");
  ASSERT_OK_AND_ASSIGN(auto full, constraints_->Apply(batch));
  ASSERT_TRUE(full->schema()->Equals(*schema_));
  auto expected = Batch(schema_->fields(), R"([
      {"id": 21, "a": "x", "b": "y", "eventTime": "2024-05-17 23:30:00",
       "eventDate": 19860, "year": 2024, "twice": 42, "ab": "x-y"},
      {"id": null, "a": "x", "b": null, "eventTime": null,
       "eventDate": null, "year": null, "twice": null, "ab": null}])");
  EXPECT_TRUE(full->Equals(*expected)) << full->ToString();
}

TEST_F(GeneratedColumnsTest, GivenValuesMustEqualTheExpressionNullSafely) {
  auto fields = BaseFields();
  fields.push_back(schema_->GetFieldByName("twice"));
  fields.push_back(schema_->GetFieldByName("year"));
  ASSERT_OK(constraints_->Apply(Batch(fields, R"([
      {"eventTime": "2024-01-01 00:00:00", "b": "y", "a": "x", "id": 2, "twice": 4,
       "year": 2024},
      {"eventTime": null, "b": "y", "a": "x", "id": null, "twice": null, "year": null}])")));
  ExpectViolation(constraints_
                      ->Apply(Batch(fields, R"([
      {"eventTime": "2024-01-01 00:00:00", "b": "y", "a": "x", "id": 2, "twice": 5,
       "year": 2024}])"))
                      .status(),
                  "generated column twice (id * 2) does not match the value the data "
                  "gives it in row {id: 2, a: 'x', b: 'y', eventTime: 2024-01-01 "
                  "00:00:00.000000Z, eventDate: 2024-01-01, year: 2024, twice: 5, ab: "
                  "'x-y'}: the expression gives 4");
  // A value where the expression is null, or null where it is not, differs.
  ExpectViolation(constraints_
                      ->Apply(Batch(fields, R"([
      {"eventTime": null, "b": "y", "a": "x", "id": 2, "twice": 4, "year": 2024}])"))
                      .status(),
                  "generated column year (YEAR(eventTime)) does not match");
  ExpectViolation(constraints_
                      ->Apply(Batch(fields, R"([
      {"eventTime": null, "b": "y", "a": "x", "id": 2, "twice": null, "year": null}])"))
                      .status(),
                  "generated column twice (id * 2) does not match");
}

TEST_F(GeneratedColumnsTest, TheDataMustHoldEveryBaseColumnOfTheTablesTypes) {
  auto missing =
      constraints_->Apply(Batch({schema_->GetFieldByName("id")}, R"([{"id": 1}])"));
  ExpectViolation(missing.status(), "the data lacks column a (string)");
  auto fields = BaseFields();
  fields.push_back(arrow::field("extra", arrow::int32()));
  auto extra = constraints_->Apply(Batch(fields, R"([{"id": 1, "extra": 1}])"));
  ExpectViolation(extra.status(), "column extra of the data is not in the table");
  fields = BaseFields();
  fields[3] = arrow::field("id", arrow::int32());
  auto mistyped = constraints_->Apply(Batch(fields, R"([{"id": 1}])"));
  ExpectViolation(mistyped.status(),
                  "column id of the data is a integer, the table's a long");
}

TEST_F(GeneratedColumnsTest, NumbersOfAnotherPrecisionAreConvertedWithoutLoss) {
  // price + 1 is a decimal(13,2); the column holds 6 digits.
  auto schema = Schema(Field("price", "\"decimal(10,2)\"") + "," +
                       Field("next", "\"decimal(6,2)\"", true, Generated("price + 1")));
  ASSERT_OK_AND_ASSIGN(auto constraints, WriteConstraints::Make(schema, {}));
  ASSERT_OK_AND_ASSIGN(
      auto full, constraints.Apply(Batch({schema->field(0)}, R"([{"price": "1.50"}])")));
  EXPECT_TRUE(
      full->Equals(*Batch(schema->fields(), R"([{"price": "1.50", "next": "2.50"}])")));
  auto too_big =
      constraints.Apply(Batch({schema->field(0)}, R"([{"price": "99999.00"}])"));
  ExpectViolation(too_big.status(), "generated column next (price + 1): ");
}

TEST_F(GeneratedColumnsTest, AnExpressionThatFailsOnARowFailsTheWrite) {
  auto schema =
      Schema(Field("id", R"("long")") + "," +
             Field("big", R"("long")", true, Generated("id * 4611686018427387904")));
  ASSERT_OK_AND_ASSIGN(auto constraints, WriteConstraints::Make(schema, {}));
  auto result = constraints.Apply(Batch({schema->field(0)}, R"([{"id": 1}, {"id": 2}])"));
  ExpectViolation(result.status(), "generated column big (id * 4611686018427387904): ");
}

TEST(WriteConstraintsTest, ExpressionsThatDoNotParseOrBindNameTheirRule) {
  auto schema = Schema(kIdName);
  auto bad = WriteConstraints::Make(schema, {{"delta.constraints.broken", "id >"}});
  ASSERT_RAISES_DELTA(kInvalidArgument, bad);
  EXPECT_NE(bad.status().message().find("CHECK constraint broken (id >): cannot parse"),
            std::string::npos)
      << bad.status().message();
  bad = WriteConstraints::Make(schema, {{"delta.constraints.unknown", "nope > 1"}});
  ASSERT_RAISES_DELTA(kInvalidArgument, bad);
  EXPECT_NE(bad.status().message().find("CHECK constraint unknown (nope > 1): column "
                                        "'nope' is not in the table"),
            std::string::npos)
      << bad.status().message();
  bad = WriteConstraints::Make(schema, {{"delta.constraints.notbool", "id + 1"}});
  ASSERT_RAISES_DELTA(kInvalidArgument, bad);

  auto generated =
      Schema(kIdName + "," + Field("g", R"("long")", true, Generated("id *")));
  bad = WriteConstraints::Make(generated, {});
  ASSERT_RAISES_DELTA(kInvalidArgument, bad);
  EXPECT_NE(bad.status().message().find("generated column g (id *)"), std::string::npos)
      << bad.status().message();
  // A generation expression may not read a generated column, itself included.
  generated = Schema(kIdName + "," + Field("g", R"("long")", true, Generated("g + 1")));
  ASSERT_RAISES_DELTA(kInvalidArgument, WriteConstraints::Make(generated, {}));
  generated = Schema(kIdName + "," + Field("g", R"("long")", true, Generated("id")) +
                     "," + Field("h", R"("long")", true, Generated("g + 1")));
  bad = WriteConstraints::Make(generated, {});
  ASSERT_RAISES_DELTA(kInvalidArgument, bad);
  EXPECT_NE(bad.status().message().find("refers to generated column g"),
            std::string::npos)
      << bad.status().message();
  // A value the column cannot hold.
  generated = Schema(kIdName + "," + Field("g", R"("date")", true, Generated("name")));
  ASSERT_RAISES_DELTA(kInvalidArgument, WriteConstraints::Make(generated, {}));

  auto invariant = Schema(
      Field("x", R"("integer")", true, R"({"delta.invariants":"{\"not\":\"this\"}"})"));
  ASSERT_RAISES_DELTA(kInvalidArgument, WriteConstraints::Make(invariant, {}));
  invariant = Schema(Field("x", R"("integer")", true, Invariant("x >>> 3")));
  bad = WriteConstraints::Make(invariant, {});
  ASSERT_RAISES_DELTA(kInvalidArgument, bad);
  EXPECT_NE(bad.status().message().find("invariant of column x (x >>> 3)"),
            std::string::npos)
      << bad.status().message();
}

TEST(WriteConstraintsTest, UnknownFunctionsAreUnsupportedAndNamed) {
  auto schema = Schema(kIdName);
  auto bad = WriteConstraints::Make(
      schema, {{"delta.constraints.hashed", "sha2(name, 256) IS NOT NULL"}});
  ASSERT_RAISES_DELTA(kUnsupportedFeature, bad);
  EXPECT_NE(bad.status().message().find("CHECK constraint hashed"), std::string::npos);
  EXPECT_NE(bad.status().message().find("function 'sha2' is not supported"),
            std::string::npos)
      << bad.status().message();
  auto generated =
      Schema(kIdName + "," + Field("u", R"("string")", true, Generated("uuid()")));
  bad = WriteConstraints::Make(generated, {});
  ASSERT_RAISES_DELTA(kUnsupportedFeature, bad);
  EXPECT_NE(bad.status().message().find("generated column u (uuid())"), std::string::npos)
      << bad.status().message();
  auto nested =
      Schema(Field("s", R"({"type":"struct","fields":[)" +
                            Field("v", R"("integer")", true, Generated("1")) + "]}"));
  ASSERT_RAISES_DELTA(kUnsupportedFeature, WriteConstraints::Make(nested, {}));
}

TEST(WriteConstraintsTest, ATableWithoutRulesReordersOnly) {
  auto schema = Schema(kIdName);
  ASSERT_OK_AND_ASSIGN(auto constraints, WriteConstraints::Make(schema, {}));
  EXPECT_TRUE(constraints.empty());
  auto batch = Batch({schema->field(1), schema->field(0)}, R"([{"name": "a", "id": 1}])");
  ASSERT_OK_AND_ASSIGN(auto full, constraints.Apply(batch));
  EXPECT_TRUE(full->Equals(*Batch(schema->fields(), R"([{"id": 1, "name": "a"}])")));
}

// Issue 14: an invariant (JSON kept in a string) nested 100,000 deep, and rules that
// nest deeper than the expression parser's limit, overflowed the stack.
TEST(WriteConstraintsTest, DeepRulesAreRefusedNamingTheLimit) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  auto invariant = Schema(
      Field("x", R"("integer")", true, R"({"delta.invariants":")" + deep + R"("})"));
  auto bad = WriteConstraints::Make(invariant, {});
  ASSERT_RAISES_DELTA(kInvalidArgument, bad);
  EXPECT_NE(bad.status().message().find(
                "the invariant of column x nests JSON deeper than 1000 levels"),
            std::string::npos)
      << bad.status().message().substr(0, 300);

  auto schema = Schema(kIdName);
  const std::string parens = std::string(6000, '(') + "id > 0" + std::string(6000, ')');
  bad = WriteConstraints::Make(schema, {{"delta.constraints.deep", parens}});
  ASSERT_RAISES_DELTA(kInvalidArgument, bad);
  EXPECT_NE(bad.status().message().find("nests deeper than 256 levels"),
            std::string::npos);
  auto generated =
      Schema(kIdName + "," +
             Field("g", R"("long")", true, Generated(std::string(30'000, '-') + "id")));
  bad = WriteConstraints::Make(generated, {});
  ASSERT_RAISES_DELTA(kInvalidArgument, bad);
  EXPECT_NE(bad.status().message().find("nests deeper than 256 levels"),
            std::string::npos);
}

}  // namespace
}  // namespace deltacpp
