// bench/micro_ws.cpp
//
// Micro-benchmarks of the sans-I/O pieces on the broadcast hot path: encoding a frame, decoding a
// masked client frame, and queueing one shared Broadcast on many Peers and draining their queues
// as a transport would (gather, then consume). No sockets: bench/run.sh measures those.
// Owner: Google Benchmark's thread.
#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_support.h"
#include <benchmark/benchmark.h>

#include "herald/util/byte_queue.h"
#include "herald/ws/broadcast.h"
#include "herald/ws/decoder.h"
#include "herald/ws/frame.h"
#include "herald/ws/peer.h"

namespace herald::bench {
namespace {

constexpr ws::MaskKey kMask{0x12, 0x34, 0x56, 0x78};

void encode_frame(benchmark::State& state) {
    const std::string payload = bench_payload(static_cast<std::size_t>(state.range(0)));
    while (state.KeepRunning()) {
        std::string frame = ws::encode_frame(ws::Opcode::Text, payload);
        benchmark::DoNotOptimize(frame.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

BENCHMARK(encode_frame)->Arg(100)->Arg(16 * 1024);

// Decoding unmasks in place, so every iteration decodes a fresh copy of the masked frame (the
// copy is part of the measured time, as a read into a buffer would be).
void decode_masked_frame(benchmark::State& state) {
    const std::string payload = bench_payload(static_cast<std::size_t>(state.range(0)));
    const std::string frame = ws::encode_frame(ws::Opcode::Text, payload, true, false, &kMask);
    std::string input = frame;
    ws::FrameDecoder decoder(ws::DecoderOptions{});
    while (state.KeepRunning()) {
        std::memcpy(input.data(), frame.data(), frame.size());
        const ws::DecodeEvent event = decoder.decode(input);
        if (event.kind != ws::DecodeEvent::Kind::Message) {
            state.SkipWithError("the frame did not decode to a message");
            break;
        }
        benchmark::DoNotOptimize(event.payload.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

BENCHMARK(decode_masked_frame)->Arg(100)->Arg(16 * 1024);

// What a worker does per subscriber for one broadcast: queue the shared frame, gather the queue
// into write pieces, and consume what the write took. Items are connections served.
void broadcast_fan_out(benchmark::State& state) {
    const auto connections = static_cast<std::size_t>(state.range(0));
    std::vector<std::unique_ptr<ws::Peer>> peers;
    for (std::size_t i = 0; i < connections; ++i) {
        peers.push_back(std::make_unique<ws::Peer>(ws::PeerOptions{}));
    }
    const auto message = ws::Broadcast::text(bench_payload(100));
    std::array<std::string_view, 32> parts{};
    while (state.KeepRunning()) {
        for (auto& peer : peers) {
            peer->send(*message);
        }
        for (auto& peer : peers) {
            util::ByteQueue& queue = peer->outgoing();
            const std::size_t count = queue.gather(parts);
            benchmark::DoNotOptimize(parts[count - 1].data());
            queue.consume(queue.size_bytes());
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(connections));
}

BENCHMARK(broadcast_fan_out)->Arg(1)->Arg(5000);

// Building the Broadcast itself: once per message, whatever the number of subscribers.
void broadcast_build(benchmark::State& state) {
    const std::string payload = bench_payload(100);
    while (state.KeepRunning()) {
        auto message = ws::Broadcast::text(payload);
        benchmark::DoNotOptimize(message->frame()->data());
    }
}

BENCHMARK(broadcast_build);

}  // namespace
}  // namespace herald::bench

BENCHMARK_MAIN();
