#include "deltacpp/cli/json_lines.h"

#include <cmath>

#include <arrow/array.h>
#include <arrow/compute/cast.h>
#include <arrow/type.h>
#include <arrow/util/base64.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "deltacpp/kernel/json_internal.h"

namespace deltacpp::cli {

namespace {

class DepthCheckedInput : public arrow::io::InputStream {
 public:
  DepthCheckedInput(std::shared_ptr<arrow::io::InputStream> input, std::string name)
      : input_(std::move(input)),
        name_(std::move(name)),
        // The row itself is one level more than its values.
        scanner_(kMaxJsonInputDepth + 1, /*lines=*/true) {}

  arrow::Status Close() override { return input_->Close(); }
  arrow::Status Abort() override { return input_->Abort(); }
  bool closed() const override { return input_->closed(); }
  arrow::Result<int64_t> Tell() const override { return input_->Tell(); }

  arrow::Result<int64_t> Read(int64_t nbytes, void* out) override {
    DELTACPP_ASSIGN_OR_RAISE(const int64_t read, input_->Read(nbytes, out));
    DELTACPP_RETURN_NOT_OK(Check(static_cast<const char*>(out), read));
    return read;
  }

  arrow::Result<std::shared_ptr<arrow::Buffer>> Read(int64_t nbytes) override {
    DELTACPP_ASSIGN_OR_RAISE(auto buffer, input_->Read(nbytes));
    DELTACPP_RETURN_NOT_OK(Check(buffer->data_as<char>(), buffer->size()));
    return buffer;
  }

 private:
  Status Check(const char* data, int64_t size) {
    if (!status_.ok()) return status_;
    if (!scanner_.Feed(std::string_view(data, static_cast<size_t>(size)))) {
      // Sticky: the reader must not go on past the deep row.
      status_ = DeltaError(DeltaErrorCode::kInvalidArgument, "JSON input ", name_,
                           " line ", scanner_.newlines() + 1,
                           " nests values deeper than ", kMaxJsonInputDepth, " levels");
    }
    return status_;
  }

  std::shared_ptr<arrow::io::InputStream> input_;
  std::string name_;
  internal::JsonDepthScanner scanner_;
  Status status_;
};

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Types JSON has no form for are written from their text (Arrow's cast to string).
bool WrittenAsText(arrow::Type::type id) {
  switch (id) {
    case arrow::Type::DATE32:
    case arrow::Type::DATE64:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::TIME32:
    case arrow::Type::TIME64:
    case arrow::Type::DECIMAL128:
    case arrow::Type::DECIMAL256:
      return true;
    default:
      return false;
  }
}

// `type` with every leaf that is written as text replaced by utf8.
std::shared_ptr<arrow::DataType> TextualType(
    const std::shared_ptr<arrow::DataType>& type) {
  if (WrittenAsText(type->id())) return arrow::utf8();
  if (type->num_fields() == 0) return type;
  arrow::FieldVector fields;
  for (const auto& field : type->fields()) {
    fields.push_back(field->WithType(TextualType(field->type())));
  }
  switch (type->id()) {
    case arrow::Type::STRUCT:
      return arrow::struct_(fields);
    case arrow::Type::LIST:
      return arrow::list(fields[0]);
    case arrow::Type::LARGE_LIST:
      return arrow::large_list(fields[0]);
    case arrow::Type::MAP: {
      const auto& entries = fields[0]->type()->fields();
      return std::make_shared<arrow::MapType>(entries[0], entries[1]);
    }
    default:
      return type;
  }
}

class RowWriter {
 public:
  explicit RowWriter(JsonWriter* writer) : writer_(writer) {}

  // `original` is the column's type before leaves were cast to text.
  Status Write(const arrow::Array& array, const arrow::DataType& original, int64_t row) {
    if (array.IsNull(row)) {
      writer_->Null();
      return Status::OK();
    }
    switch (array.type_id()) {
      case arrow::Type::BOOL:
        writer_->Bool(static_cast<const arrow::BooleanArray&>(array).Value(row));
        return Status::OK();
      case arrow::Type::INT8:
        writer_->Int(static_cast<const arrow::Int8Array&>(array).Value(row));
        return Status::OK();
      case arrow::Type::INT16:
        writer_->Int(static_cast<const arrow::Int16Array&>(array).Value(row));
        return Status::OK();
      case arrow::Type::INT32:
        writer_->Int(static_cast<const arrow::Int32Array&>(array).Value(row));
        return Status::OK();
      case arrow::Type::INT64:
        writer_->Int64(static_cast<const arrow::Int64Array&>(array).Value(row));
        return Status::OK();
      case arrow::Type::FLOAT:
        WriteDouble(static_cast<const arrow::FloatArray&>(array).Value(row));
        return Status::OK();
      case arrow::Type::DOUBLE:
        WriteDouble(static_cast<const arrow::DoubleArray&>(array).Value(row));
        return Status::OK();
      case arrow::Type::STRING: {
        auto text = static_cast<const arrow::StringArray&>(array).GetView(row);
        if (original.id() == arrow::Type::DECIMAL128 ||
            original.id() == arrow::Type::DECIMAL256) {
          writer_->RawValue(text.data(), text.size(), rapidjson::kNumberType);
        } else if (original.id() == arrow::Type::TIMESTAMP && text.size() > 10 &&
                   text[10] == ' ') {
          std::string iso(text);
          iso[10] = 'T';
          writer_->String(iso.data(), static_cast<rapidjson::SizeType>(iso.size()));
        } else {
          writer_->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
        }
        return Status::OK();
      }
      case arrow::Type::BINARY: {
        auto bytes = static_cast<const arrow::BinaryArray&>(array).GetView(row);
        auto encoded = arrow::util::base64_encode(bytes);
        writer_->String(encoded.data(), static_cast<rapidjson::SizeType>(encoded.size()));
        return Status::OK();
      }
      case arrow::Type::STRUCT: {
        const auto& structs = static_cast<const arrow::StructArray&>(array);
        writer_->StartObject();
        for (int i = 0; i < structs.num_fields(); ++i) {
          const auto& name = structs.struct_type()->field(i)->name();
          writer_->Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
          DELTACPP_RETURN_NOT_OK(
              Write(*structs.field(i), *original.field(i)->type(), row));
        }
        writer_->EndObject();
        return Status::OK();
      }
      case arrow::Type::MAP: {
        const auto& maps = static_cast<const arrow::MapArray&>(array);
        const auto& original_map = static_cast<const arrow::MapType&>(original);
        const bool string_keys = maps.keys()->type_id() == arrow::Type::STRING &&
                                 original_map.key_type()->id() == arrow::Type::STRING;
        string_keys ? writer_->StartObject() : writer_->StartArray();
        for (int64_t i = maps.value_offset(row); i < maps.value_offset(row + 1); ++i) {
          if (string_keys) {
            auto key = static_cast<const arrow::StringArray&>(*maps.keys()).GetView(i);
            writer_->Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
          } else {
            writer_->StartObject();
            writer_->Key("key");
            DELTACPP_RETURN_NOT_OK(Write(*maps.keys(), *original_map.key_type(), i));
            writer_->Key("value");
          }
          DELTACPP_RETURN_NOT_OK(Write(*maps.items(), *original_map.item_type(), i));
          if (!string_keys) writer_->EndObject();
        }
        string_keys ? writer_->EndObject() : writer_->EndArray();
        return Status::OK();
      }
      case arrow::Type::LIST: {
        const auto& lists = static_cast<const arrow::ListArray&>(array);
        const auto& element_type = *original.field(0)->type();
        writer_->StartArray();
        for (int64_t i = lists.value_offset(row); i < lists.value_offset(row + 1); ++i) {
          DELTACPP_RETURN_NOT_OK(Write(*lists.values(), element_type, i));
        }
        writer_->EndArray();
        return Status::OK();
      }
      default:
        return DeltaError(DeltaErrorCode::kUnsupportedFeature, "cannot write a ",
                          array.type()->ToString(), " value as JSON");
    }
  }

 private:
  void WriteDouble(double value) {
    if (std::isnan(value)) {
      writer_->String("NaN");
    } else if (std::isinf(value)) {
      writer_->String(value > 0 ? "Infinity" : "-Infinity");
    } else {
      writer_->Double(value);
    }
  }

  JsonWriter* writer_;
};

}  // namespace

std::shared_ptr<arrow::io::InputStream> DepthCheckedJsonInput(
    std::shared_ptr<arrow::io::InputStream> input, std::string name) {
  return std::make_shared<DepthCheckedInput>(std::move(input), std::move(name));
}

Status WriteJsonLines(arrow::RecordBatchReader& reader, std::ostream& out) {
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    DELTACPP_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (batch == nullptr) return Status::OK();
    arrow::ArrayVector columns;
    for (const auto& column : batch->columns()) {
      auto textual = TextualType(column->type());
      if (textual->Equals(*column->type())) {
        columns.push_back(column);
        continue;
      }
      DELTACPP_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(*column, textual));
      columns.push_back(std::move(cast));
    }
    rapidjson::StringBuffer buffer;
    for (int64_t row = 0; row < batch->num_rows(); ++row) {
      JsonWriter writer(buffer);
      RowWriter rows(&writer);
      writer.StartObject();
      for (int i = 0; i < batch->num_columns(); ++i) {
        const auto& name = batch->schema()->field(i)->name();
        writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
        DELTACPP_RETURN_NOT_OK(rows.Write(*columns[i], *batch->column(i)->type(), row));
      }
      writer.EndObject();
      buffer.Put('\n');
    }
    out.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
  }
}

}  // namespace deltacpp::cli
