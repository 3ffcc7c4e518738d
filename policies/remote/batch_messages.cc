#include "policies/remote/batch_messages.h"

#include <algorithm>

namespace gauntlet::policies::remote {

int NegotiateBatch(const msgpack::object& metadata) {
  const msgpack::object* advertised = FindKey(metadata, kBatchKey);
  if (!advertised || advertised->type != msgpack::type::POSITIVE_INTEGER || advertised->via.u64 < 1) return 0;
  return static_cast<int>(std::min<std::uint64_t>(advertised->via.u64, 1u << 20));
}

void PackBatchHeader(int version, int items, Packer& packer) {
  packer.pack_map(3);
  PackKey(packer, "gauntlet_message");
  PackString(packer, "batch");
  PackKey(packer, "protocol");
  packer.pack_int(version);
  PackKey(packer, "items");
  packer.pack_array(static_cast<std::uint32_t>(items));
}

void PackBatchItem(const std::string& episode_id, const msgpack::sbuffer& observation, Packer& packer,
                   msgpack::sbuffer& out) {
  packer.pack_map(2);
  PackKey(packer, "episode_id");
  PackString(packer, episode_id);
  PackKey(packer, "observation");
  // msgpack is a concatenation of values: the packed map goes in unchanged.
  out.write(observation.data(), observation.size());
}

Result<std::vector<const msgpack::object*>> BatchResults(const msgpack::object& reply, size_t items) {
  if (reply.type != msgpack::type::MAP) return Error{"the batch reply is not a map"};
  const msgpack::object* results = FindKey(reply, "results");
  if (!results || results->type != msgpack::type::ARRAY) return Error{"the batch reply has no 'results' list"};
  if (results->via.array.size != items) {
    return Error{"the batch reply holds " + std::to_string(results->via.array.size) + " results for " +
                 std::to_string(items) + " observations"};
  }
  std::vector<const msgpack::object*> out;
  for (std::uint32_t i = 0; i < results->via.array.size; ++i) out.push_back(&results->via.array.ptr[i]);
  return out;
}

}  // namespace gauntlet::policies::remote
