#include "deltacpp/ops/file_stats.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

#include <arrow/array.h>
#include <arrow/compute/api_aggregate.h>
#include <arrow/compute/api_scalar.h>
#include <arrow/scalar.h>
#include <arrow/type.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/scan/compute_init.h"
#include "deltacpp/scan/typed_value.h"

namespace deltacpp {

namespace {

constexpr size_t kStringPrefixLength = 32;

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

bool HasMinMax(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64:
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE:
    case arrow::Type::DECIMAL128:
    case arrow::Type::DATE32:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::STRING:
      return true;
    default:
      return false;
  }
}

// The first `count` UTF-8 characters of `text`.
std::string_view Utf8Prefix(std::string_view text, size_t count) {
  size_t position = 0;
  for (size_t characters = 0; position < text.size() && characters < count;
       ++characters) {
    ++position;
    while (position < text.size() &&
           (static_cast<unsigned char>(text[position]) & 0xC0) == 0x80) {
      ++position;
    }
  }
  return text.substr(0, position);
}

// ISO 8601 in milliseconds, truncated down: "2024-01-02T03:04:05.678Z" (no zone for
// timestamp_ntz).
std::string FormatTimestamp(const arrow::TimestampScalar& scalar) {
  const auto& type = static_cast<const arrow::TimestampType&>(*scalar.type);
  int64_t per_second = 1;
  switch (type.unit()) {
    case arrow::TimeUnit::MILLI:
      per_second = 1000;
      break;
    case arrow::TimeUnit::MICRO:
      per_second = 1000000;
      break;
    case arrow::TimeUnit::NANO:
      per_second = 1000000000;
      break;
    default:
      break;
  }
  int64_t seconds = scalar.value / per_second;
  int64_t fraction = scalar.value % per_second;
  if (fraction < 0) {
    fraction += per_second;
    --seconds;
  }
  const int64_t millis = fraction * 1000 / per_second;
  const std::time_t time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s",
                parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
                parts.tm_min, parts.tm_sec, static_cast<int>(millis),
                type.timezone().empty() ? "" : "Z");
  return text;
}

void WriteValue(const arrow::Scalar& value, JsonWriter* writer) {
  switch (value.type->id()) {
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64: {
      auto cast = value.CastTo(arrow::int64());
      writer->Int64(static_cast<const arrow::Int64Scalar&>(**cast).value);
      return;
    }
    case arrow::Type::FLOAT:
      writer->Double(static_cast<const arrow::FloatScalar&>(value).value);
      return;
    case arrow::Type::DOUBLE:
      writer->Double(static_cast<const arrow::DoubleScalar&>(value).value);
      return;
    case arrow::Type::DECIMAL128: {
      const std::string text = value.ToString();
      writer->RawValue(text.data(), text.size(), rapidjson::kNumberType);
      return;
    }
    case arrow::Type::TIMESTAMP: {
      const std::string text =
          FormatTimestamp(static_cast<const arrow::TimestampScalar&>(value));
      writer->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      return;
    }
    case arrow::Type::STRING: {
      const auto text = static_cast<const arrow::StringScalar&>(value).view();
      writer->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      return;
    }
    default: {
      const std::string text = value.ToString();  // dates: YYYY-MM-DD
      writer->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      return;
    }
  }
}

enum class Section { kMin, kMax, kNullCount };

}  // namespace

struct FileStatsCollector::Leaf {
  std::vector<int> field_path;  // child indices from the top-level column down
  std::shared_ptr<arrow::DataType> type;
  int64_t null_count = 0;
  std::shared_ptr<arrow::Scalar> min;
  std::shared_ptr<arrow::Scalar> max;
  bool has_nan = false;
};

Result<StatsColumns> StatsColumns::FromConfiguration(const StringMap& configuration) {
  const TableConfiguration settings(configuration);
  StatsColumns columns;
  if (const auto named = settings.data_skipping_stats_columns()) {
    const std::string& text = *named;
    columns.named.emplace();
    std::vector<std::string> path;
    std::string name;
    bool quoted = false, was_quoted = false;
    auto end_name = [&]() -> Status {
      size_t first = name.find_first_not_of(' ');
      size_t last = name.find_last_not_of(' ');
      std::string trimmed =
          was_quoted
              ? name
              : (first == std::string::npos ? "" : name.substr(first, last - first + 1));
      if (trimmed.empty()) {
        return DeltaError(DeltaErrorCode::kInvalidArgument,
                          table_property::kDataSkippingStatsColumns, " '", text,
                          "' has an empty column name");
      }
      path.push_back(std::move(trimmed));
      name.clear();
      was_quoted = false;
      return Status::OK();
    };
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '`') {
        if (quoted && i + 1 < text.size() && text[i + 1] == '`') {
          name.push_back('`');
          ++i;
        } else {
          quoted = !quoted;
          if (quoted) name.clear();
          was_quoted = true;
        }
      } else if (!quoted && c == '.') {
        DELTACPP_RETURN_NOT_OK(end_name());
      } else if (!quoted && c == ',') {
        DELTACPP_RETURN_NOT_OK(end_name());
        columns.named->push_back(std::move(path));
        path.clear();
      } else if (!(was_quoted && !quoted && c == ' ')) {
        name.push_back(c);
      }
    }
    if (quoted) {
      return DeltaError(DeltaErrorCode::kInvalidArgument,
                        table_property::kDataSkippingStatsColumns, " '", text,
                        "' has an unclosed backquote");
    }
    if (!text.empty()) {
      DELTACPP_RETURN_NOT_OK(end_name());
      columns.named->push_back(std::move(path));
    }
    return columns;
  }
  if (const auto count = settings.data_skipping_num_indexed_cols()) {
    int value = 0;
    const char* begin = count->data();
    const char* end = begin + count->size();
    auto [rest, error] = std::from_chars(begin, end, value);
    if (error != std::errc() || rest != end || value < -1) {
      return DeltaError(DeltaErrorCode::kInvalidArgument,
                        table_property::kDataSkippingNumIndexedCols, " is '", *count,
                        "', not an integer >= -1");
    }
    columns.first_leaves = value;
  }
  return columns;
}

FileStatsCollector::FileStatsCollector(std::shared_ptr<arrow::Schema> schema,
                                       const StatsColumns& columns)
    : schema_(std::move(schema)) {
  std::vector<int> path;
  std::vector<std::string> names;
  // True when the column at `names` is selected by name (or lies inside one that is).
  auto named = [&]() {
    for (const auto& selected : *columns.named) {
      if (selected.size() <= names.size() &&
          std::equal(selected.begin(), selected.end(), names.begin())) {
        return true;
      }
    }
    return false;
  };
  auto visit = [&](auto&& self, const arrow::FieldVector& fields) -> void {
    for (int i = 0; i < static_cast<int>(fields.size()); ++i) {
      if (!columns.named && columns.first_leaves >= 0 &&
          static_cast<int>(leaves_.size()) >= columns.first_leaves) {
        return;
      }
      path.push_back(i);
      names.push_back(fields[i]->name());
      const auto& type = fields[i]->type();
      if (type->id() == arrow::Type::STRUCT) {
        self(self, type->fields());
      } else if (!columns.named || named()) {
        auto leaf = std::make_unique<Leaf>();
        leaf->field_path = path;
        leaf->type = type;
        leaves_.push_back(std::move(leaf));
        for (size_t depth = 1; depth < path.size(); ++depth) {
          struct_paths_.insert(std::vector<int>(path.begin(), path.begin() + depth));
        }
      }
      names.pop_back();
      path.pop_back();
    }
  };
  visit(visit, schema_->fields());
}

FileStatsCollector::~FileStatsCollector() = default;
FileStatsCollector::FileStatsCollector(FileStatsCollector&&) noexcept = default;
FileStatsCollector& FileStatsCollector::operator=(FileStatsCollector&&) noexcept =
    default;

Status FileStatsCollector::Update(const arrow::RecordBatch& batch) {
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  num_records_ += batch.num_rows();
  for (auto& leaf : leaves_) {
    // Flattened struct children carry their parents' nulls.
    std::shared_ptr<arrow::Array> array = batch.column(leaf->field_path[0]);
    for (size_t depth = 1; depth < leaf->field_path.size(); ++depth) {
      DELTACPP_ASSIGN_OR_RAISE(
          array, static_cast<const arrow::StructArray&>(*array).GetFlattenedField(
                     leaf->field_path[depth]));
    }
    DELTACPP_RETURN_NOT_OK(UpdateLeaf(*leaf, array));
  }
  return Status::OK();
}

Status FileStatsCollector::UpdateLeaf(Leaf& leaf,
                                      const std::shared_ptr<arrow::Array>& array) {
  leaf.null_count += array->null_count();
  if (!HasMinMax(*leaf.type) || array->null_count() == array->length()) {
    return Status::OK();
  }
  if (arrow::is_floating(leaf.type->id()) && !leaf.has_nan) {
    DELTACPP_ASSIGN_OR_RAISE(auto nan, arrow::compute::IsNan(array));
    DELTACPP_ASSIGN_OR_RAISE(auto any, arrow::compute::Any(nan));
    const auto& any_nan = any.scalar_as<arrow::BooleanScalar>();
    leaf.has_nan = any_nan.is_valid && any_nan.value;
  }
  if (leaf.has_nan) return Status::OK();
  DELTACPP_ASSIGN_OR_RAISE(auto min_max, arrow::compute::MinMax(array));
  const auto& pair = min_max.scalar_as<arrow::StructScalar>();
  auto min = pair.value[0];
  auto max = pair.value[1];
  if (!min->is_valid || !max->is_valid) return Status::OK();
  if (leaf.min == nullptr || CompareScalars(*min, *leaf.min).value_or(0) < 0) {
    leaf.min = std::move(min);
  }
  if (leaf.max == nullptr || CompareScalars(*max, *leaf.max).value_or(0) > 0) {
    leaf.max = std::move(max);
  }
  return Status::OK();
}

namespace {

template <typename Key>
void WriteLeaf(Section section, const FileStatsCollector::Leaf& leaf, const Key& key,
               JsonWriter& writer) {
  if (section == Section::kNullCount) {
    key();
    writer.Int64(leaf.null_count);
    return;
  }
  const auto& value = section == Section::kMin ? leaf.min : leaf.max;
  if (value == nullptr || leaf.has_nan) return;
  // JSON has no infinity: a bound at +-inf is left out, so readers take it as unknown.
  if (value->type->id() == arrow::Type::DOUBLE &&
      !std::isfinite(static_cast<const arrow::DoubleScalar&>(*value).value)) {
    return;
  }
  if (value->type->id() == arrow::Type::FLOAT &&
      !std::isfinite(static_cast<const arrow::FloatScalar&>(*value).value)) {
    return;
  }
  if (value->type->id() == arrow::Type::STRING) {
    const auto text = static_cast<const arrow::StringScalar&>(*value).view();
    const auto prefix = Utf8Prefix(text, kStringPrefixLength);
    // A cut maximum would be below the data: leave it out.
    if (section == Section::kMax && prefix.size() < text.size()) return;
    key();
    writer.String(prefix.data(), static_cast<rapidjson::SizeType>(prefix.size()));
    return;
  }
  key();
  WriteValue(*value, &writer);
}

}  // namespace

std::string FileStatsCollector::ToJson() const {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("numRecords");
  writer.Int64(num_records_);
  // Leaves were collected depth first: the same walk meets them in the same order.
  auto write_section = [&](Section section) {
    size_t next = 0;
    std::vector<int> path;
    auto write_fields = [&](auto&& self, const arrow::FieldVector& fields) -> void {
      writer.StartObject();
      for (int i = 0; i < static_cast<int>(fields.size()); ++i) {
        const auto& field = fields[i];
        path.push_back(i);
        const auto& name = field->name();
        const auto key = [&] {
          writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
        };
        const bool is_struct = field->type()->id() == arrow::Type::STRUCT;
        if (is_struct && struct_paths_.count(path) != 0) {
          key();
          self(self, field->type()->fields());
        } else if (!is_struct && next < leaves_.size() &&
                   leaves_[next]->field_path == path) {
          WriteLeaf(section, *leaves_[next++], key, writer);
        }
        path.pop_back();
      }
      writer.EndObject();
    };
    write_fields(write_fields, schema_->fields());
  };
  writer.Key("minValues");
  write_section(Section::kMin);
  writer.Key("maxValues");
  write_section(Section::kMax);
  writer.Key("nullCount");
  write_section(Section::kNullCount);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace deltacpp
