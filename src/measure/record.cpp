#include "zoobench/measure/record.hpp"

namespace zoobench {

Status status_for(ModelError::Kind kind) {
  switch (kind) {
    case ModelError::Kind::Missing: return Status::Missing;
    case ModelError::Kind::Unsupported: return Status::Unsupported;
    default: return Status::Failed;
  }
}

const char* status_name(Status status) {
  switch (status) {
    case Status::Ok: return "ok";
    case Status::Failed: return "FAILED";
    case Status::Missing: return "missing";
    case Status::Unsupported: return "unsupported";
  }
  return "?";
}

}  // namespace zoobench
