import Dispatch
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `chess-concepts serve`: the viewer's page and its JSON API over HTTP, on loopback
/// unless told otherwise.
///
/// | route | answers |
/// | --- | --- |
/// | `GET /` | the page (with `/viewer.js`, `/viewer.css`) |
/// | `GET /api/eval?fen=F&step=S` | top moves, win/draw/loss, legal moves |
/// | `GET /api/concepts?fen=F` | every concept's value |
/// | `GET /api/probes?fen=F` | every saved probe's reading by layer and step |
/// | `GET /api/relevance?fen=F&target=value\|CONCEPT&layer=L&step=S&rules=R` | relevance per square |
/// | `POST /api/maximise` `{"fen","concept","layer","step","method"}` | a concept search, step by step |
/// | `POST /api/pgn` (PGN text) | the games' positions |
///
/// ```swift
/// let server = ViewerServer(analyst: try PositionAnalyst(model: "models/default", probes: "probe-output"), port: 8080)
/// try await server.run { port in print("http://127.0.0.1:\(port)/") }
/// ```
package struct ViewerServer: Sendable {
    package let analyst: PositionAnalyst
    package let host: String
    /// 0 picks a free port, which `run` reports.
    package let port: Int

    /// The largest request body read (a PGN upload, a search request).
    package static let uploadLimit = 2 << 20

    package init(analyst: PositionAnalyst, host: String = "127.0.0.1", port: Int) {
        self.analyst = analyst
        self.host = host
        self.port = port
    }

    /// Whether `host` names this machine's loopback interface, the only address served without asking.
    package static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Serves until the task is cancelled; `onListening` gets the bound port.
    package func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        var logger = Logger(label: "chess-concepts.serve")
        logger.logLevel = .warning
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "chess-concepts"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrors())
        for (path, type) in [("/", "text/html"), ("/viewer.js", "text/javascript"), ("/viewer.css", "text/css")] {
            let name = path == "/" ? "index.html" : String(path.dropFirst())
            router.get(RouterPath(path)) { _, _ in try Self.page(name, type: type) }
        }
        let analyst = analyst
        router.get("/api/eval") { request, _ in
            try await Self.answer { try analyst.evaluation(fen: try Self.fen(request), step: try Self.integer("step", request)) }
        }
        router.get("/api/concepts") { request, _ in
            try await Self.answer { try analyst.concepts(fen: try Self.fen(request)) }
        }
        router.get("/api/probes") { request, _ in
            try await Self.answer { try analyst.probes(fen: try Self.fen(request)) }
        }
        router.get("/api/relevance") { request, _ in
            try await Self.answer {
                try analyst.relevance(fen: try Self.fen(request), target: request.uri.queryParameters.get("target") ?? "value",
                                      layer: request.uri.queryParameters.get("layer"), step: try Self.integer("step", request),
                                      rules: request.uri.queryParameters.get("rules"))
            }
        }
        router.post("/api/maximise") { request, _ in
            let body = try await Self.body(of: request)
            let search: SearchRequest
            do { search = try JSONDecoder().decode(SearchRequest.self, from: body) } catch {
                throw ViewerError(.badRequest, "body: expected JSON {\"fen\": …, \"concept\": …} (\(Self.reason(error)))")
            }
            return try await Self.answer {
                try analyst.maximise(fen: search.fen, concept: search.concept, layer: search.layer, step: search.step, method: search.method)
            }
        }
        router.post("/api/pgn") { request, _ in
            let text = String(decoding: try await Self.body(of: request), as: UTF8.self)
            return try await Self.answer { PositionAnalyst.games(pgn: text) }
        }
        return router
    }

    /// `POST /api/maximise`'s body.
    struct SearchRequest: Decodable {
        let fen: String
        let concept: String
        let layer: String?
        let step: Int?
        let method: String?
    }

    // MARK: parts

    /// Computes `work` on a thread of its own, so that a long search leaves the server's
    /// threads free for other requests, and encodes the answer as JSON.
    static func answer(_ work: @escaping @Sendable () throws -> some Encodable & Sendable) async throws -> Response {
        let data = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try encoder.encode(try work()) })
            }
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }()

    static func required(_ name: String, _ request: Request) throws(ViewerError) -> String {
        guard let value = request.uri.queryParameters.get(name), !value.isEmpty else { throw .parameter(name, "missing; add ?\(name)=…") }
        return value
    }

    /// The `fen` parameter; a form-encoded "+" is read as the space it stands for, as no FEN holds a "+".
    static func fen(_ request: Request) throws(ViewerError) -> String {
        try required("fen", request).replacingOccurrences(of: "+", with: " ")
    }

    static func integer(_ name: String, _ request: Request) throws(ViewerError) -> Int? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text) else { throw .parameter(name, "'\(text)' is not a whole number") }
        return value
    }

    static func body(of request: Request) async throws -> Data {
        do { return Data(buffer: try await request.body.collect(upTo: uploadLimit)) } catch is NIOTooManyBytesError {
            throw ViewerError(.tooLarge, "body: larger than the upload limit of \(uploadLimit >> 20) MB")
        }
    }

    static func page(_ name: String, type: String) throws -> Response {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Page"), let data = try? Data(contentsOf: url) else {
            throw ViewerError(.notFound, "page: \(name) is missing from the installed resources")
        }
        return Response(status: .ok, headers: [.contentType: type + "; charset=utf-8", .cacheControl: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func reason(_ error: any Error) -> String {
        if case DecodingError.keyNotFound(let key, _) = error { return "no \"\(key.stringValue)\"" }
        if case DecodingError.typeMismatch(_, let context) = error { return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))" }
        return "not valid JSON"
    }
}

/// Every failure as `{"error": "…"}` with its status: a bad parameter, a body too large,
/// an unknown route. The server goes on with the next request.
struct JSONErrors: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ViewerError {
            return Self.reply(error.status, error.message)
        } catch let error as HTTPError {
            let message = error.status == .notFound ? "no route \(request.method) \(request.uri.path)" : error.body ?? error.status.reasonPhrase
            return Self.reply(error.status.code, message)
        }
    }

    static func reply(_ status: Int, _ message: String) -> Response {
        let body = (try? ViewerServer.encoder.encode(ViewerReplies.Failure(error: message))) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
