#include "deltacpp/scan/bind_predicate.h"

#include <arrow/scalar.h>
#include <arrow/type.h>

#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/scan/typed_value.h"

namespace deltacpp {

namespace {

Status Invalid(const std::string& message) {
  return DeltaError(DeltaErrorCode::kInvalidArgument, message);
}

std::string FieldNames(const arrow::FieldVector& fields) {
  std::string names;
  for (const auto& field : fields) names += (names.empty() ? "" : ", ") + field->name();
  return names;
}

Result<PredicatePtr> BindColumn(const Predicate& column, const arrow::Schema& schema) {
  const arrow::FieldVector* fields = &schema.fields();
  std::shared_ptr<arrow::Field> field;
  std::string walked;
  for (const auto& name : column.column) {
    if (field != nullptr) {
      if (field->type()->id() != arrow::Type::STRUCT) {
        return Invalid("column '" + walked + "' is a " + DeltaTypeString(*field->type()) +
                       ", not a struct with field '" + name + "'");
      }
      fields = &field->type()->fields();
    }
    field = nullptr;
    for (const auto& candidate : *fields) {
      if (candidate->name() == name) field = candidate;
    }
    walked += (walked.empty() ? "" : ".") + name;
    if (field == nullptr) {
      return Invalid("column '" + walked + "' is not in the table (" +
                     (fields == &schema.fields() ? "its columns" : "fields there") +
                     ": " + FieldNames(*fields) + ")");
    }
  }
  auto bound = std::make_shared<Predicate>(column);
  bound->type = field->type();
  return bound;
}

Result<PredicatePtr> BindLiteral(const Predicate& literal, const Predicate& column) {
  auto bound = std::make_shared<Predicate>(literal);
  bound->type = column.type;
  const auto& text = literal.literal.text;
  const auto& type = column.type;
  auto mismatch = [&](const std::string& why) {
    return Invalid("cannot compare column '" + column.ToString() + "' (" +
                   DeltaTypeString(*type) + ") with " + literal.ToString() + ": " + why);
  };
  switch (literal.literal.kind) {
    case LiteralValue::Kind::kNull:
      bound->value = arrow::MakeNullScalar(type);
      return bound;
    case LiteralValue::Kind::kBoolean:
      if (type->id() != arrow::Type::BOOL) return mismatch("it is a boolean");
      break;
    case LiteralValue::Kind::kNumber:
      if (!arrow::is_numeric(type->id()) && !arrow::is_decimal(type->id())) {
        return mismatch("it is a number");
      }
      break;
    case LiteralValue::Kind::kString:
      break;
  }
  auto value = ParseTypedValue(text, type);
  if (!value.ok()) return mismatch(value.status().message());
  bound->value = *std::move(value);
  return bound;
}

PredicateOp Mirror(PredicateOp op) {
  switch (op) {
    case PredicateOp::kLess:
      return PredicateOp::kGreater;
    case PredicateOp::kLessEqual:
      return PredicateOp::kGreaterEqual;
    case PredicateOp::kGreater:
      return PredicateOp::kLess;
    case PredicateOp::kGreaterEqual:
      return PredicateOp::kLessEqual;
    default:
      return op;
  }
}

PredicateOp Negation(PredicateOp op) {
  switch (op) {
    case PredicateOp::kEqual:
      return PredicateOp::kNotEqual;
    case PredicateOp::kNotEqual:
      return PredicateOp::kEqual;
    case PredicateOp::kLess:
      return PredicateOp::kGreaterEqual;
    case PredicateOp::kLessEqual:
      return PredicateOp::kGreater;
    case PredicateOp::kGreater:
      return PredicateOp::kLessEqual;
    case PredicateOp::kGreaterEqual:
      return PredicateOp::kLess;
    case PredicateOp::kIsNull:
      return PredicateOp::kIsNotNull;
    case PredicateOp::kIsNotNull:
      return PredicateOp::kIsNull;
    case PredicateOp::kAnd:
      return PredicateOp::kOr;
    case PredicateOp::kOr:
      return PredicateOp::kAnd;
    default:
      return op;
  }
}

PredicatePtr WithOp(const Predicate& node, PredicateOp op,
                    std::vector<PredicatePtr> children) {
  auto copy = std::make_shared<Predicate>(node);
  copy->op = op;
  copy->children = std::move(children);
  return copy;
}

// NOT of a bound predicate without NOT, again without NOT.
PredicatePtr Negate(const PredicatePtr& bound) {
  switch (bound->op) {
    case PredicateOp::kLiteral: {
      if (!bound->value->is_valid) return bound;  // NOT NULL is NULL
      const bool value = static_cast<const arrow::BooleanScalar&>(*bound->value).value;
      auto negated = std::make_shared<Predicate>(*bound);
      negated->literal.text = value ? "false" : "true";
      negated->value = std::make_shared<arrow::BooleanScalar>(!value);
      return negated;
    }
    case PredicateOp::kAnd:
    case PredicateOp::kOr:
      return WithOp(*bound, Negation(bound->op),
                    {Negate(bound->children[0]), Negate(bound->children[1])});
    case PredicateOp::kIn: {
      // x NOT IN (a, b) is x != a AND x != b, nulls included.
      PredicatePtr all;
      for (size_t i = 1; i < bound->children.size(); ++i) {
        auto differs = WithOp(*bound, PredicateOp::kNotEqual,
                              {bound->children[0], bound->children[i]});
        all =
            all == nullptr ? differs : WithOp(*bound, PredicateOp::kAnd, {all, differs});
      }
      return all;
    }
    default:
      return WithOp(*bound, Negation(bound->op), bound->children);
  }
}

Result<PredicatePtr> Bind(const PredicatePtr& node, const arrow::Schema& schema);

Result<PredicatePtr> BindCondition(const PredicatePtr& node,
                                   const arrow::Schema& schema) {
  DELTACPP_ASSIGN_OR_RAISE(auto bound, Bind(node, schema));
  if (bound->op == PredicateOp::kColumn) {
    if (bound->type->id() != arrow::Type::BOOL) {
      return Invalid("column '" + bound->ToString() + "' is a " +
                     DeltaTypeString(*bound->type) + ", not a condition");
    }
    DELTACPP_ASSIGN_OR_RAISE(auto true_value, BindLiteral(*Literal(true), *bound));
    return WithOp(*node, PredicateOp::kEqual, {bound, true_value});
  }
  if (bound->op == PredicateOp::kLiteral &&
      bound->literal.kind != LiteralValue::Kind::kBoolean &&
      bound->literal.kind != LiteralValue::Kind::kNull) {
    return Invalid(bound->ToString() + " is not a condition");
  }
  return bound;
}

Result<PredicatePtr> Bind(const PredicatePtr& node, const arrow::Schema& schema) {
  switch (node->op) {
    case PredicateOp::kColumn:
      return BindColumn(*node, schema);
    case PredicateOp::kLiteral: {
      // A literal standing alone (a condition): TRUE, FALSE or NULL.
      auto bound = std::make_shared<Predicate>(*node);
      bound->type = arrow::boolean();
      if (node->literal.kind == LiteralValue::Kind::kBoolean) {
        bound->value =
            std::make_shared<arrow::BooleanScalar>(node->literal.text == "true");
      } else {
        bound->value = arrow::MakeNullScalar(arrow::boolean());
      }
      return bound;
    }
    case PredicateOp::kAnd:
    case PredicateOp::kOr: {
      DELTACPP_ASSIGN_OR_RAISE(auto left, BindCondition(node->children[0], schema));
      DELTACPP_ASSIGN_OR_RAISE(auto right, BindCondition(node->children[1], schema));
      return WithOp(*node, node->op, {std::move(left), std::move(right)});
    }
    case PredicateOp::kNot: {
      DELTACPP_ASSIGN_OR_RAISE(auto operand, BindCondition(node->children[0], schema));
      return Negate(operand);
    }
    case PredicateOp::kIsNull:
    case PredicateOp::kIsNotNull: {
      if (node->children[0]->op != PredicateOp::kColumn) {
        return Invalid(node->ToString() + " must test a column");
      }
      DELTACPP_ASSIGN_OR_RAISE(auto column, BindColumn(*node->children[0], schema));
      return WithOp(*node, node->op, {std::move(column)});
    }
    case PredicateOp::kIn: {
      if (node->children[0]->op != PredicateOp::kColumn) {
        return Invalid(node->ToString() + " must test a column");
      }
      DELTACPP_ASSIGN_OR_RAISE(auto column, BindColumn(*node->children[0], schema));
      std::vector<PredicatePtr> children{column};
      for (size_t i = 1; i < node->children.size(); ++i) {
        if (node->children[i]->op != PredicateOp::kLiteral) {
          return Invalid(node->ToString() + ": IN takes a list of values");
        }
        DELTACPP_ASSIGN_OR_RAISE(auto value, BindLiteral(*node->children[i], *column));
        children.push_back(std::move(value));
      }
      return WithOp(*node, node->op, std::move(children));
    }
    default:
      break;
  }
  // A comparison.
  PredicatePtr left = node->children[0];
  PredicatePtr right = node->children[1];
  PredicateOp op = node->op;
  if (left->op == PredicateOp::kLiteral && right->op == PredicateOp::kColumn) {
    std::swap(left, right);
    op = Mirror(op);
  }
  if (left->op != PredicateOp::kColumn) {
    return Invalid(node->ToString() + " compares no column");
  }
  DELTACPP_ASSIGN_OR_RAISE(auto column, BindColumn(*left, schema));
  if (arrow::is_nested(column->type->id())) {
    return Invalid("column '" + column->ToString() + "' is a " +
                   DeltaTypeString(*column->type) + ", which cannot be compared");
  }
  PredicatePtr other;
  if (right->op == PredicateOp::kColumn) {
    DELTACPP_ASSIGN_OR_RAISE(other, BindColumn(*right, schema));
    if (!other->type->Equals(*column->type)) {
      return Invalid("cannot compare column '" + column->ToString() + "' (" +
                     DeltaTypeString(*column->type) + ") with column '" +
                     other->ToString() + "' (" + DeltaTypeString(*other->type) + ")");
    }
  } else if (right->op == PredicateOp::kLiteral) {
    DELTACPP_ASSIGN_OR_RAISE(other, BindLiteral(*right, *column));
  } else {
    return Invalid(node->ToString() + ": compare a column with a value or a column");
  }
  return WithOp(*node, op, {std::move(column), std::move(other)});
}

void CollectColumns(const PredicatePtr& node, std::vector<PredicatePtr>* columns) {
  if (node->op == PredicateOp::kColumn) {
    for (const auto& seen : *columns) {
      if (seen->column == node->column) return;
    }
    columns->push_back(node);
    return;
  }
  for (const auto& child : node->children) CollectColumns(child, columns);
}

}  // namespace

Result<PredicatePtr> BindPredicate(const PredicatePtr& predicate,
                                   const arrow::Schema& schema) {
  return BindCondition(predicate, schema);
}

std::vector<PredicatePtr> ReferencedColumns(const PredicatePtr& bound) {
  std::vector<PredicatePtr> columns;
  CollectColumns(bound, &columns);
  return columns;
}

}  // namespace deltacpp
