// The model-file cases: valid files of every encoding, calendar and layer layout, and
// hand-made malformed files (truncated, wrong CRC, huge and zero dimensions,
// overflow-sized counts, inconsistent sparse masks, NaN/Inf weights and scales, int8
// -128, ...), each with the exact outcome ReadModel must give.
//
// Two consumers, one list:
//   tests/fuzz/make_seeds.cpp             writes every case as a fuzz seed file
//   tests/unit/format/malformed_test.cpp  checks every case's exact status and message
//
//   for (const ModelCase& c : ModelCases()) WriteFile(dir + "/" + c.name, c.bytes);
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "format/model.h"

namespace shelfcast::fuzzing {

struct ModelCase {
  std::string name;            // corpus file name and test section: "valid-...", "bad-..."
  std::vector<uint8_t> bytes;  // the whole file
  StatusCode code;             // kOk for a file ReadModel must accept
  std::string message;         // ReadModel's exact message; empty when valid
};

std::vector<ModelCase> ModelCases();

// Called with each tensor's encoded data before it is written (layer index, tensor
// index); may change it. The tensor's byte count follows the edited data.
using TensorDataEdit = std::function<void(size_t layer, size_t tensor, std::vector<uint8_t>* data)>;

// Serialises a model in the v1 layout WITHOUT validating it, so tests can build files
// the real writer refuses to produce (3 LSTM layers, NaN weights, missing tensors...).
// Written independently of format/writer.cpp: for a valid model both must agree byte for
// byte (malformed_test.cpp checks it), which cross-checks the writer against the format.
std::vector<uint8_t> RawModelFile(const Model& model, const TensorDataEdit& edit = nullptr);

// Recomputes the header's payload byte count and CRC32 after a deliberate edit.
void FixHeader(std::vector<uint8_t>* file);

}  // namespace shelfcast::fuzzing
