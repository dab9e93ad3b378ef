#include "deltacpp/scan/row_filter.h"

#include <arrow/scalar.h>

namespace deltacpp {

namespace cp = arrow::compute;

namespace {

const char* ComparisonFunction(PredicateOp op) {
  switch (op) {
    case PredicateOp::kEqual:
      return "equal";
    case PredicateOp::kNotEqual:
      return "not_equal";
    case PredicateOp::kLess:
      return "less";
    case PredicateOp::kLessEqual:
      return "less_equal";
    case PredicateOp::kGreater:
      return "greater";
    default:
      return "greater_equal";
  }
}

}  // namespace

cp::Expression ToArrowExpression(const Predicate& bound) {
  switch (bound.op) {
    case PredicateOp::kColumn: {
      std::vector<arrow::FieldRef> path(bound.column.begin(), bound.column.end());
      return cp::field_ref(path.size() == 1 ? path[0] : arrow::FieldRef(std::move(path)));
    }
    case PredicateOp::kLiteral:
      return cp::literal(bound.value);
    case PredicateOp::kIsNull:
      return cp::is_null(ToArrowExpression(*bound.children[0]));
    case PredicateOp::kIsNotNull:
      return cp::is_valid(ToArrowExpression(*bound.children[0]));
    case PredicateOp::kAnd:
      return cp::and_(ToArrowExpression(*bound.children[0]),
                      ToArrowExpression(*bound.children[1]));
    case PredicateOp::kOr:
      return cp::or_(ToArrowExpression(*bound.children[0]),
                     ToArrowExpression(*bound.children[1]));
    case PredicateOp::kNot:
      return cp::not_(ToArrowExpression(*bound.children[0]));
    case PredicateOp::kIn: {
      // An OR of equalities keeps SQL's null semantics (x IN (1, NULL) is never false).
      auto column = ToArrowExpression(*bound.children[0]);
      std::vector<cp::Expression> equalities;
      for (size_t i = 1; i < bound.children.size(); ++i) {
        equalities.push_back(cp::equal(column, ToArrowExpression(*bound.children[i])));
      }
      return cp::or_(std::move(equalities));
    }
    default:
      return cp::call(
          ComparisonFunction(bound.op),
          {ToArrowExpression(*bound.children[0]), ToArrowExpression(*bound.children[1])});
  }
}

}  // namespace deltacpp
