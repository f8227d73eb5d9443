import Foundation
import Glibc

/// A plain HTTP/1.1 exchange with a server on 127.0.0.1, one connection per request. The
/// WebDriver client uses it because FoundationNetworking's libcurl fails on chromedriver's
/// answers ("Failed writing header") where this reads them as any browser would.
enum LoopbackHTTP {
    static func exchange(port: Int, method: String, path: String, body: Data?, timeout: Int = 180) throws -> (status: Int, body: Data) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ViewerFailure("no socket") }
        defer { Glibc.close(socket) }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw ViewerFailure("nothing listens on port \(port)") }
        let payload = body ?? Data()
        var request = Data("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Length: \(payload.count)\r\n".utf8)
        if body != nil { request.append(Data("Content-Type: application/json\r\n".utf8)) }
        request.append(Data("\r\n".utf8))
        request.append(payload)
        try request.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let count = send(socket, buffer.baseAddress! + sent, buffer.count - sent, 0)
                guard count > 0 else { throw ViewerFailure("sending to port \(port) failed") }
                sent += count
            }
        }
        // Read until the answer is complete by its own framing: chromedriver keeps the connection open.
        var response = Data(), chunk = [UInt8](repeating: 0, count: 65_536)
        while !isComplete(response) {
            let count = recv(socket, &chunk, chunk.count, 0)
            guard count >= 0 else { throw ViewerFailure("no answer from port \(port) within \(timeout) s") }
            if count == 0 { break }
            response.append(contentsOf: chunk[0..<count])
        }
        guard let end = response.firstRange(of: Data("\r\n\r\n".utf8)) else { throw ViewerFailure("a malformed answer from port \(port)") }
        let head = String(decoding: response[..<end.lowerBound], as: UTF8.self)
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        let content = Data(response[end.upperBound...])
        return (status, head.lowercased().contains("transfer-encoding: chunked") ? dechunked(content) : content)
    }

    /// Whether `response` holds a whole answer: its head, then the body its Content-Length
    /// gives, or a chunked body up to the last, empty chunk.
    private static func isComplete(_ response: Data) -> Bool {
        guard let end = response.firstRange(of: Data("\r\n\r\n".utf8)) else { return false }
        let head = String(decoding: response[..<end.lowerBound], as: UTF8.self).lowercased()
        let body = response[end.upperBound...]
        if head.contains("transfer-encoding: chunked") {
            return body.starts(with: Data("0\r\n\r\n".utf8)) || body.range(of: Data("\r\n0\r\n\r\n".utf8)) != nil
        }
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
        return length.map { body.count >= $0 } ?? false
    }

    /// A chunked body joined: hexadecimal sizes, each followed by that many bytes.
    private static func dechunked(_ data: Data) -> Data {
        var result = Data(), rest = data[...]
        while let line = rest.firstRange(of: Data("\r\n".utf8)),
              let size = Int(String(decoding: rest[..<line.lowerBound], as: UTF8.self), radix: 16), size > 0 {
            let start = line.upperBound
            result.append(rest[start..<(start + size)])
            rest = rest[(start + size + 2)...]
        }
        return result
    }
}
