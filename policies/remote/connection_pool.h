// Up to `capacity` connections to one policy server, lent out one call at a
// time: each call of a remote policy borrows a connection, speaks over it in
// strict alternation, and gives it back (or discards it after any failure,
// so that a late reply is never read as the answer to another request).
// New connections are made on demand, at most `capacity` open at once; one
// that replaces a discarded connection (or one the server closed while it
// was idle) counts as a reconnect. Every new connection's metadata must
// equal the first one's (the same model is still being served).
//
// Threads: every method, from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "policies/remote/openpi_connection.h"

namespace gauntlet::policies::remote {

// A metadata frame as one JSON line (what the run records and compares).
std::string MetadataJson(const msgpack::object& metadata);

// One borrowed connection.
struct Lease {
  std::unique_ptr<OpenpiConnection> connection;
  std::uint64_t serial = 0;  // which connection (numbered from 1 in the order they were made)
  bool reconnected = false;  // made to replace a lost one
};

class ConnectionPool {
 public:
  // `first`: the connection made to read the server's metadata, the pool's first.
  ConnectionPool(ConnectOptions options, int capacity, std::unique_ptr<OpenpiConnection> first);
  ~ConnectionPool();  // closes the idle connections politely
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  enum class Make { kIfNeeded, kNever };
  // An idle connection, else (kIfNeeded) a new one while fewer than
  // `capacity` are open, else the first one given back. `only_serial` > 0
  // asks for that connection alone (kFailed when it is no longer open).
  // kNever with no connection open is kFailed. Waits at most until `deadline`.
  WireStatus Borrow(Lease& lease, Clock::time_point deadline, Make make = Make::kIfNeeded,
                    std::uint64_t only_serial = 0);
  void Return(Lease lease);   // still good
  void Discard(Lease lease);  // failed: dropped at once, its place freed
  // Connects one connection unless one is open: the server is reachable.
  WireStatus EnsureOpen(bool& reconnected);

  int capacity() const { return capacity_; }
  int made() const;  // connections made so far, the first included

 private:
  WireStatus Connect(Lease& lease);
  const ConnectOptions options_;
  const int capacity_;
  std::string metadata_json_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Lease> idle_;         // most recently returned last
  std::set<std::uint64_t> open_;    // idle or lent out
  int connecting_ = 0;              // places taken by connections being made
  int owed_ = 0;                    // lost connections not yet replaced
  std::uint64_t next_serial_ = 1;
};

}  // namespace gauntlet::policies::remote
