#include "policies/remote/episode_messages.h"

#include <algorithm>

namespace gauntlet::policies::remote {

namespace {

void PackEpisode(const EpisodeContext& c, Packer& packer) {
  const bool task = !c.task.empty();
  packer.pack_map(task ? 7 : 5);
  PackKey(packer, "suite");
  PackString(packer, c.suite);
  PackKey(packer, "instruction");
  PackString(packer, c.instruction);
  PackKey(packer, "embodiment");
  PackString(packer, c.embodiment);
  PackKey(packer, "init_state");
  packer.pack_int(c.init_state);
  PackKey(packer, "seed");
  packer.pack_uint64(c.seed);
  if (task) {
    PackKey(packer, "task");
    PackString(packer, c.task);
    PackKey(packer, "task_index");
    packer.pack_int(c.task_index);
  }
}

void PackHeader(const char* type, int version, int entries, Packer& packer) {
  packer.pack_map(entries);
  PackKey(packer, "gauntlet_message");
  PackString(packer, type);
  PackKey(packer, "protocol");
  packer.pack_int(version);
}

}  // namespace

int NegotiateExtendedProtocol(const msgpack::object& metadata) {
  const msgpack::object* advertised = FindKey(metadata, kExtendedProtocolKey);
  if (!advertised || advertised->type != msgpack::type::POSITIVE_INTEGER || advertised->via.u64 < 1) return 0;
  return static_cast<int>(std::min<std::uint64_t>(advertised->via.u64, kExtendedProtocolVersion));
}

void PackEpisodeStart(const EpisodeContext& context, int version, const std::string& episode_id, Packer& packer) {
  const bool id = version >= 2;
  PackHeader("episode_start", version, id ? 4 : 3, packer);
  if (id) {
    PackKey(packer, "episode_id");
    PackString(packer, episode_id);
  }
  PackKey(packer, "episode");
  PackEpisode(context, packer);
}

void PackEpisodeEnd(const EpisodeContext& context, int version, const std::string& episode_id, int requests,
                    Packer& packer) {
  const bool id = version >= 2;
  PackHeader("episode_end", version, id ? 5 : 4, packer);
  if (id) {
    PackKey(packer, "episode_id");
    PackString(packer, episode_id);
  }
  PackKey(packer, "episode");
  PackEpisode(context, packer);
  PackKey(packer, "requests");
  packer.pack_int(requests);
}

}  // namespace gauntlet::policies::remote
