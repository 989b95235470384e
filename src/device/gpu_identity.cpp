#include "zoobench/device/gpu_identity.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

namespace zoobench {

namespace {

// The driver library, opened for the scope of one query.
class DriverLibrary {
 public:
  DriverLibrary() : m_handle(dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL)) {}
  ~DriverLibrary() {
    if (m_handle != nullptr) dlclose(m_handle);
  }
  DriverLibrary(const DriverLibrary&) = delete;
  DriverLibrary& operator=(const DriverLibrary&) = delete;

  // The first of `names` the library exports, cast to F; null when none (or no library).
  template <typename F>
  F symbol(std::initializer_list<const char*> names) const {
    if (m_handle == nullptr) return nullptr;
    for (const char* name : names) {
      if (void* s = dlsym(m_handle, name)) return reinterpret_cast<F>(s);
    }
    return nullptr;
  }

 private:
  void* m_handle;
};

}  // namespace

std::string format_gpu_uuid(const std::array<unsigned char, 16>& bytes) {
  std::string hex;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) hex += '-';
    hex += fmt::format("{:02x}", bytes[i]);
  }
  return "GPU-" + hex;
}

std::optional<GpuIdentity> gpu_identity(int ordinal) {
  // The driver API's own types are int-sized handles and a 16-byte struct; CUDA_SUCCESS is 0.
  using Init = int (*)(unsigned int);
  using DeviceGet = int (*)(int*, int);
  using GetUuid = int (*)(std::array<unsigned char, 16>*, int);
  using GetPciBusId = int (*)(char*, int, int);
  const DriverLibrary driver;
  const auto init = driver.symbol<Init>({"cuInit"});
  const auto device_get = driver.symbol<DeviceGet>({"cuDeviceGet"});
  const auto get_uuid = driver.symbol<GetUuid>({"cuDeviceGetUuid_v2", "cuDeviceGetUuid"});
  const auto get_pci = driver.symbol<GetPciBusId>({"cuDeviceGetPCIBusId"});
  if (init == nullptr || device_get == nullptr || get_uuid == nullptr || init(0) != 0) return std::nullopt;
  int device = 0;
  if (device_get(&device, ordinal) != 0) return std::nullopt;
  std::array<unsigned char, 16> uuid{};
  if (get_uuid(&uuid, device) != 0) return std::nullopt;
  GpuIdentity identity;
  identity.uuid = format_gpu_uuid(uuid);
  char pci[32] = {};
  if (get_pci != nullptr && get_pci(pci, static_cast<int>(sizeof pci), device) == 0) identity.pci_bus_id = pci;
  return identity;
}

}  // namespace zoobench
