// imagesync/blob_copy: puts one blob into a destination repository the cheapest way:
// nothing when it is there already (HEAD), a cross-repository mount when another
// repository of the destination holds it, else a copy from the source. Small blobs go
// through memory; larger ones, and those whose size neither the manifest nor the
// source's HEAD gives (chunked upload), stream from the source GET into the
// destination through a bounded pipe (memory: the pipe's capacity), with the size and
// digest checked by the client on the way and by the registry at the end. Only one
// image uploads a digest at a time (BlobLocations::ClaimUpload): the others wait for
// it and then mount it.
// Thread-safety: CopyBlob may run on many threads at once (the clients and
// BlobLocations are thread-safe).
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "imagesync/blob_locations.h"
#include "registry/manifest.h"
#include "registry/registry_client.h"

namespace dth::imagesync {

enum class BlobOutcome { kSkipped, kMounted, kCopied };

struct BlobCopyOptions {
  size_t memory_threshold = 1 << 20;  // blobs up to this size are copied through memory
  size_t pipe_capacity = 2 << 20;     // bytes in flight for a streamed blob
};

struct BlobRoute {
  registry::RegistryClient* source;
  std::string source_repo;
  registry::RegistryClient* destination;
  std::string destination_repo;
};

Result<BlobOutcome> CopyBlob(const BlobRoute& route, const registry::Descriptor& blob,
                             BlobLocations& locations, const BlobCopyOptions& options);

}  // namespace dth::imagesync
