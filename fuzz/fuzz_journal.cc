// The journal reader on any bytes (a damaged state folder): no crash, a record or a message.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "record/journal_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/runbook-fuzz-journal-" + std::to_string(getpid());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  std::string error;
  auto run = rb::record::read_journal(path, &error);
  if (run) (void)run->replay();
  return 0;
}
