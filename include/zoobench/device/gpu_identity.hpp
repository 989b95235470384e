#pragma once
// Who a CUDA device is, in the words nvidia-smi uses (UUID "GPU-xxxxxxxx-...", PCI bus id), so that a
// result row can be matched with nvidia-smi's view of the host. Asked of the CUDA driver through dlopen:
// zoo-bench links no CUDA library at build time.
#include <array>
#include <optional>
#include <string>

namespace zoobench {

struct GpuIdentity {
  std::string uuid;        // "GPU-2f3a...-...", as nvidia-smi -L prints it
  std::string pci_bus_id;  // "0000:19:00.0"
};

// The identity of the device with this CUDA ordinal (the index OpenCV and cudaSetDevice use, after
// CUDA_VISIBLE_DEVICES); nullopt without a driver or for an ordinal the driver does not know.
std::optional<GpuIdentity> gpu_identity(int ordinal);

// nvidia-smi's text form of a 16-byte CUDA UUID: "GPU-" then 8-4-4-4-12 lowercase hex digits.
std::string format_gpu_uuid(const std::array<unsigned char, 16>& bytes);

}  // namespace zoobench
