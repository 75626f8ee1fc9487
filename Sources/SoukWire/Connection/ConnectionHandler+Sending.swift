import Logging
import NIOCore

/// Writing frames: DATA within flow-control credit, control frames, and one flush per event-loop tick.
extension ConnectionHandler {
    func drain(_ stream: StreamContext) {
        while stream.hasPending {
            var item = stream.pending[stream.pendingStart]
            if item.flags == 0xFF {
                // Trailers.
                self.writeFrame(type: .trailers, flags: 0, streamID: stream.id, payload: item.data)
                stream.pendingStart += 1
                if stream.state.wroteTrailers() {
                    // The response is complete; whatever the client still sends is discarded.
                    stream.continuation.finish()
                }
                self.remove(stream)
                return
            }
            let size = item.data.readableBytes
            if size == 0 {
                self.writeFrame(type: .data, flags: item.flags, streamID: stream.id, payload: item.data)
                stream.pendingStart += 1
                item.promise?.succeed()
                continue
            }
            let credit = min(stream.sendWindow, self.connectionSendWindow)
            guard credit > 0 else {
                self.streamsWaitingForCredit.append(stream.id)
                break
            }
            let chunk = min(size, credit, self.remoteSettings.maxFrameSize)
            let slice = item.data.readSlice(length: chunk)!
            let isLast = item.data.readableBytes == 0
            let flags = isLast ? item.flags : item.flags & FrameFlags.compressed
            self.writeFrame(type: .data, flags: flags, streamID: stream.id, payload: slice)
            stream.sendWindow -= chunk
            self.connectionSendWindow -= chunk
            if isLast {
                stream.pendingStart += 1
                item.promise?.succeed()
            } else {
                stream.pending[stream.pendingStart] = item
            }
        }
        if !stream.hasPending {
            stream.pending.removeAll(keepingCapacity: true)
            stream.pendingStart = 0
        }
    }

    func drainPendingWrites() {
        guard !self.streamsWaitingForCredit.isEmpty else { return }
        let waiting = self.streamsWaitingForCredit
        self.streamsWaitingForCredit.removeAll(keepingCapacity: true)
        for id in waiting {
            guard let stream = self.streams[id] else { continue }
            self.drain(stream)
        }
        self.scheduleFlush()
    }

    func writePrefaceAndSettings() {
        Preface.current.write(to: &self.outbound)
        var payload = ByteBuffer()
        self.localSettings.write(to: &payload)
        self.writeFrame(type: .settings, flags: 0, streamID: 0, payload: payload)
    }

    func writeFrame(type: FrameType, flags: UInt8, streamID: UInt32, payload: ByteBuffer?) {
        let length = payload?.readableBytes ?? 0
        self.logger.trace(
            "frame out",
            metadata: [
                "role": "\(self.role)", "type": "\(type)", "flags": "\(flags)", "stream": "\(streamID)",
                "length": "\(length)",
            ]
        )
        Frame.writeHeader(to: &self.outbound, length: length, type: type, flags: flags, streamID: streamID)
        guard var payload, length > 0 else { return }
        if length <= 16 * 1024 {
            self.outbound.writeBuffer(&payload)
        } else if let context = self.context {
            // Large payloads go out as their own buffer rather than being copied into the batch.
            context.write(self.wrapOutboundOut(self.outbound), promise: nil)
            context.write(self.wrapOutboundOut(payload), promise: nil)
            self.outbound = context.channel.allocator.buffer(capacity: 16 * 1024)
            self.hasUnflushedWrites = true
        }
    }

    func writeCancel(_ id: UInt32, status: UInt32) {
        var payload = ByteBuffer()
        payload.writeInteger(status)
        self.writeFrame(type: .cancel, flags: 0, streamID: id, payload: payload)
        self.scheduleFlush()
    }

    func writeWindowUpdate(streamID: UInt32, increment: Int) {
        var payload = ByteBuffer()
        payload.writeInteger(UInt32(increment))
        self.writeFrame(type: .windowUpdate, flags: 0, streamID: streamID, payload: payload)
    }

    func writeGoAway(lastStreamID: UInt32, code: WireErrorCode, message: String) {
        var payload = ByteBuffer()
        payload.writeInteger(lastStreamID)
        payload.writeInteger(code.rawValue)
        payload.writeString(message)
        self.writeFrame(type: .goAway, flags: 0, streamID: 0, payload: payload)
    }

    func returnConnectionCredit(_ bytes: Int) {
        guard bytes > 0 else { return }
        self.connectionConsumedUnreturned += bytes
        if self.connectionConsumedUnreturned >= self.localSettings.connectionWindow / 4 {
            let increment = self.connectionConsumedUnreturned
            self.connectionConsumedUnreturned = 0
            self.connectionReceiveWindow += increment
            self.writeWindowUpdate(streamID: 0, increment: increment)
        }
    }

    func scheduleFlush() {
        guard !self.isInRead, !self.isFlushScheduled, let context = self.context else { return }
        self.isFlushScheduled = true
        // Everything written during this event-loop tick goes out in one flush.
        context.eventLoop.assumeIsolated().execute {
            self.isFlushScheduled = false
            self.flushNow()
        }
    }

    func flushNow() {
        guard let context = self.context else { return }
        if self.outbound.readableBytes > 0 {
            context.write(self.wrapOutboundOut(self.outbound), promise: nil)
            self.outbound = context.channel.allocator.buffer(capacity: 16 * 1024)
            self.hasUnflushedWrites = true
        }
        if self.hasUnflushedWrites {
            self.hasUnflushedWrites = false
            context.flush()
        }
    }
}
