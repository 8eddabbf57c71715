#pragma once
// Where each byte of a YAML scalar's value sits in the file. Quoted, escaped, folded and block
// scalars do not map 1:1 onto the source, so expressions inside them would otherwise report
// wrong columns.
#include <string>

#include "base/source_file.h"
#include "base/text_origin.h"

namespace rb::load {

// `line`/`column` are 1-based: where the scalar starts (its quote or block indicator, if any).
TextOrigin scalar_origin(const SourceFile& file, int line, int column, const std::string& value);

}  // namespace rb::load
