#pragma once

// Every name the Delta protocol gives to an action or an action field that the log
// reader looks up. No other file spells these strings.

#include <string_view>

namespace deltacpp::action_names {

// Top-level keys of a commit line: one action per line.
inline constexpr std::string_view kProtocol = "protocol";
inline constexpr std::string_view kMetadata = "metaData";
inline constexpr std::string_view kAdd = "add";
inline constexpr std::string_view kRemove = "remove";
inline constexpr std::string_view kCdc = "cdc";
inline constexpr std::string_view kTxn = "txn";
inline constexpr std::string_view kCommitInfo = "commitInfo";
inline constexpr std::string_view kDomainMetadata = "domainMetadata";
inline constexpr std::string_view kSidecar = "sidecar";
inline constexpr std::string_view kCheckpointMetadata = "checkpointMetadata";

// protocol
inline constexpr std::string_view kMinReaderVersion = "minReaderVersion";
inline constexpr std::string_view kMinWriterVersion = "minWriterVersion";
inline constexpr std::string_view kReaderFeatures = "readerFeatures";
inline constexpr std::string_view kWriterFeatures = "writerFeatures";

// metaData
inline constexpr std::string_view kId = "id";
inline constexpr std::string_view kName = "name";
inline constexpr std::string_view kDescription = "description";
inline constexpr std::string_view kFormat = "format";
inline constexpr std::string_view kProvider = "provider";
inline constexpr std::string_view kOptions = "options";
inline constexpr std::string_view kSchemaString = "schemaString";
inline constexpr std::string_view kPartitionColumns = "partitionColumns";
inline constexpr std::string_view kConfiguration = "configuration";
inline constexpr std::string_view kCreatedTime = "createdTime";

// add, remove, cdc
inline constexpr std::string_view kPath = "path";
inline constexpr std::string_view kPartitionValues = "partitionValues";
inline constexpr std::string_view kSize = "size";
inline constexpr std::string_view kModificationTime = "modificationTime";
inline constexpr std::string_view kDataChange = "dataChange";
inline constexpr std::string_view kStats = "stats";
inline constexpr std::string_view kStatsParsed = "stats_parsed";
inline constexpr std::string_view kTags = "tags";
inline constexpr std::string_view kDeletionVector = "deletionVector";
inline constexpr std::string_view kBaseRowId = "baseRowId";
inline constexpr std::string_view kDefaultRowCommitVersion = "defaultRowCommitVersion";
inline constexpr std::string_view kClusteringProvider = "clusteringProvider";
inline constexpr std::string_view kDeletionTimestamp = "deletionTimestamp";
inline constexpr std::string_view kExtendedFileMetadata = "extendedFileMetadata";

// deletionVector
inline constexpr std::string_view kStorageType = "storageType";
inline constexpr std::string_view kPathOrInlineDv = "pathOrInlineDv";
inline constexpr std::string_view kOffset = "offset";
inline constexpr std::string_view kSizeInBytes = "sizeInBytes";
inline constexpr std::string_view kCardinality = "cardinality";

// txn
inline constexpr std::string_view kAppId = "appId";
inline constexpr std::string_view kVersion = "version";
inline constexpr std::string_view kLastUpdated = "lastUpdated";

// commitInfo (all fields optional; the protocol leaves its content to the writer)
inline constexpr std::string_view kTimestamp = "timestamp";
inline constexpr std::string_view kInCommitTimestamp = "inCommitTimestamp";
inline constexpr std::string_view kOperation = "operation";
inline constexpr std::string_view kOperationParameters = "operationParameters";
inline constexpr std::string_view kOperationMetrics = "operationMetrics";
inline constexpr std::string_view kEngineInfo = "engineInfo";
inline constexpr std::string_view kReadVersion = "readVersion";
inline constexpr std::string_view kIsBlindAppend = "isBlindAppend";

// domainMetadata
inline constexpr std::string_view kDomain = "domain";
inline constexpr std::string_view kRemoved = "removed";

// sidecar (path, size, modificationTime, tags above)

// checkpointMetadata (version, tags above)

}  // namespace deltacpp::action_names
