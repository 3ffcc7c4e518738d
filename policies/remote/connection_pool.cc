#include "policies/remote/connection_pool.h"

#include <algorithm>

#include "policies/remote/msgpack_numpy.h"

namespace gauntlet::policies::remote {

std::string MetadataJson(const msgpack::object& metadata) {
  return ToJson(metadata).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ConnectionPool::ConnectionPool(ConnectOptions options, int capacity, std::unique_ptr<OpenpiConnection> first)
    : options_(std::move(options)), capacity_(std::max(1, capacity)) {
  metadata_json_ = MetadataJson(first->metadata());
  Lease lease;
  lease.connection = std::move(first);
  lease.serial = next_serial_++;
  open_.insert(lease.serial);
  idle_.push_back(std::move(lease));
}

ConnectionPool::~ConnectionPool() {
  for (Lease& lease : idle_) lease.connection->Close(0.5);
}

int ConnectionPool::made() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(next_serial_ - 1);
}

// Called with a place reserved (connecting_ counted); fills `lease` on success.
WireStatus ConnectionPool::Connect(Lease& lease) {
  std::unique_ptr<OpenpiConnection> fresh;
  WireStatus status = OpenpiConnection::Connect(options_, fresh);
  if (status.ok()) {
    if (const std::string now = MetadataJson(fresh->metadata()); now != metadata_json_) {
      status = {WireStatus::kFailed, "the server's metadata changed since the run started (another model?): " +
                                         (now.size() > 300 ? now.substr(0, 297) + "..." : now)};
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  --connecting_;
  if (!status.ok()) {
    cv_.notify_all();
    return status;
  }
  lease.connection = std::move(fresh);
  lease.serial = next_serial_++;
  lease.reconnected = owed_ > 0;
  if (owed_ > 0) --owed_;
  open_.insert(lease.serial);
  return status;
}

WireStatus ConnectionPool::Borrow(Lease& lease, Clock::time_point deadline, Make make, std::uint64_t only_serial) {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (only_serial > 0 && !open_.count(only_serial)) {
      return {WireStatus::kFailed, "connection " + std::to_string(only_serial) + " is closed"};
    }
    // Newest first: a single caller keeps reusing one connection.
    for (size_t k = idle_.size(); k-- > 0;) {
      if (only_serial > 0 && idle_[k].serial != only_serial) continue;
      Lease taken = std::move(idle_[k]);
      idle_.erase(idle_.begin() + k);
      if (!taken.connection->Idle()) {
        // The server closed it while it was idle: replaced quietly.
        open_.erase(taken.serial);
        ++owed_;
        if (only_serial > 0) return {WireStatus::kFailed, "connection " + std::to_string(only_serial) + " is closed"};
        continue;
      }
      taken.reconnected = false;
      lease = std::move(taken);
      return WireStatus::Ok();
    }
    const int open = static_cast<int>(open_.size()) + connecting_;
    if (only_serial == 0 && make == Make::kNever && open == 0) {
      return {WireStatus::kFailed, "no connection is open"};
    }
    if (only_serial == 0 && make == Make::kIfNeeded && open < capacity_) {
      ++connecting_;
      lock.unlock();
      return Connect(lease);
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      return {WireStatus::kTimeout, "all " + std::to_string(capacity_) + " connections stayed busy"};
    }
  }
}

void ConnectionPool::Return(Lease lease) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    lease.reconnected = false;
    idle_.push_back(std::move(lease));
  }
  cv_.notify_all();
}

void ConnectionPool::Discard(Lease lease) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (lease.serial > 0 && open_.erase(lease.serial)) ++owed_;
    lease.connection.reset();  // no close handshake: nothing more is read from it
  }
  cv_.notify_all();
}

WireStatus ConnectionPool::EnsureOpen(bool& reconnected) {
  reconnected = false;
  Lease lease;
  {
    std::unique_lock<std::mutex> lock(mu_);
    // Dead idle connections do not count as open.
    for (size_t i = 0; i < idle_.size();) {
      if (idle_[i].connection->Idle()) {
        ++i;
        continue;
      }
      open_.erase(idle_[i].serial);
      ++owed_;
      idle_.erase(idle_.begin() + i);
    }
    if (!open_.empty() || connecting_ > 0) return WireStatus::Ok();
    ++connecting_;
  }
  WireStatus status = Connect(lease);
  if (!status.ok()) return status;
  reconnected = lease.reconnected;
  Return(std::move(lease));
  return status;
}

}  // namespace gauntlet::policies::remote
