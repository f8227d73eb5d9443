import Chess
import Concepts
import Foundation
import Plotting
import Testing

/// `serve` end to end: the real executable on a free loopback port, its JSON API over
/// HTTP with good and bad requests, and the page driven in headless Chromium.
@Suite(.serialized) struct ViewerTests {
    static let fen = "r1bqkb1r/pppp1ppp/2n2n2/4p2Q/2B1P3/8/PPPP1PPP/RNB1K1NR w KQkq - 4 4"

    /// Where the browser test leaves its screenshots: the build folder, never the repository.
    static let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../.build/test-artifacts/viewer").standardized.path

    @Test func theAPIAnswersEveryRouteAndNamesWhatIsWrong() async throws {
        let viewer = try ServedViewer()
        let encoded = Self.fen.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let eval = try await viewer.request("/api/eval?fen=\(encoded)")
        #expect(eval.status == 200)
        let moves = try #require(eval.json["moves"] as? [[String: Any]])
        #expect(moves.count == 8 && moves.allSatisfy { ($0["probability"] as! Double) > 0 })
        let legal = try #require(eval.json["legal"] as? [[String: Any]])
        let position = try Position(fen: Self.fen)
        #expect(Set(legal.map { $0["uci"] as! String }) == Set(position.legalMoves.map(\.uci)))
        #expect(legal.allSatisfy { entry in (try? Position(fen: entry["fen"] as! String)) != nil })
        let wdl = ["win", "draw", "loss"].map { eval.json[$0] as! Double }
        #expect(abs(wdl.reduce(0, +) - 1) < 1e-6)

        let concepts = try await viewer.request("/api/concepts?fen=\(encoded)")
        let values = Dictionary(uniqueKeysWithValues: (concepts.json["concepts"] as! [[String: Any]]).map { ($0["name"] as! String, $0["value"]) })
        #expect(values.count == ConceptCatalogue.all.count)
        #expect(values["has_mate_in_one"] as? Double == 1 && values["in_check"] as? Double == 0)

        let probes = try await viewer.request("/api/probes?fen=\(encoded)")
        #expect(probes.json["layers"] as? [String] == ["block6"])
        let steps = try #require(probes.json["steps"] as? [Int])
        #expect(steps == [0, 961, 30000])
        let probeList = try #require(probes.json["probes"] as? [[String: Any]])
        #expect(probeList.map { $0["concept"] as! String } == ["in_check", "material_advantage"])
        let readings = try #require(probeList[0]["readings"] as? [[Double]])
        #expect(readings.count == 1 && readings.allSatisfy { $0.count == steps.count && $0.allSatisfy { (0...1).contains($0) } })

        let relevance = try await viewer.request("/api/relevance?fen=\(encoded)&target=in_check&rules=epsilon-plus")
        #expect(relevance.status == 200 && relevance.json["layer"] as? String == "block6")
        let squares = try #require(relevance.json["squares"] as? [String: Double])
        #expect(squares.values.map(abs).max() == 1 && squares.keys.allSatisfy { Square($0) != nil })

        let search = try await viewer.request("/api/maximise", method: "POST", body: Data(#"{"fen": "\#(Self.fen)", "concept": "in_check"}"#.utf8))
        #expect(search.status == 200, "\(search.json)")
        let result = try Position(fen: try #require(search.json["result_fen"] as? String))
        let replayed = try #require(search.json["steps"] as? [[String: Any]])
        #expect(replayed.last.map { $0["fen"] as! String } ?? Self.fen == result.fen)
        #expect(search.json["holds"] as? Bool == (ConceptCatalogue.all.first { $0.name == "in_check" }!.value(result) >= 0.5))

        let pgn = "[White \"A\"]\n[Black \"B\"]\n\n1. e4 e5 2. Nf3 Nc6 1-0\n\n[White \"C\"]\n\n1. e4 Ke7 Kd2 *\n"
        let games = try await viewer.request("/api/pgn", method: "POST", body: Data(pgn.utf8))
        let read = try #require(games.json["games"] as? [[String: Any]])
        #expect(read.count == 1 && (read[0]["fens"] as! [String]).count == 5 && read[0]["moves"] as? [String] == ["e4", "e5", "Nf3", "Nc6"])
        #expect((games.json["errors"] as? [String])?.first?.contains("game 2") == true)

        // Bad input gets a 4xx with a message, and the server goes on.
        let bad: [(String, String, Data?, Int, String)] = [
            ("/api/eval?fen=8/8/8%20w%20-%20-%200%201", "GET", nil, 400, "fen: invalid FEN"),
            ("/api/eval", "GET", nil, 400, "fen: missing"),
            ("/api/eval?fen=startpos&step=7", "GET", nil, 400, "step: 7 is not a saved checkpoint"),
            ("/api/relevance?fen=startpos&target=no_such_concept", "GET", nil, 404, "unknown concept 'no_such_concept'"),
            ("/api/relevance?fen=startpos&target=my_mobility", "GET", nil, 404, "probe: none saved for my_mobility"),
            ("/api/relevance?fen=startpos&rules=conv%3Dalpha", "GET", nil, 400, "rules: 'alpha' for conv is not a rule"),
            ("/api/maximise", "POST", Data("{\"fen\": \"startpos\"}".utf8), 400, "body: expected JSON"),
            ("/api/maximise", "POST", Data(#"{"fen": "startpos", "concept": "game_phase"}"#.utf8), 400, "categorical"),
            ("/api/pgn", "POST", Data(count: 10 << 20), 413, "larger than the upload limit"),
            ("/api/nothing", "GET", nil, 404, "no route GET /api/nothing"),
        ]
        for (path, method, body, status, message) in bad {
            let answer = try await viewer.request(path, method: method, body: body)
            #expect(answer.status == status, "\(method) \(path)")
            #expect((answer.json["error"] as? String)?.contains(message) == true, "\(method) \(path): \(answer.json)")
        }
        #expect(try await viewer.request("/api/eval?fen=startpos").status == 200)
        #expect(viewer.process.isRunning)
    }

    @Test func twoSearchesAtOnceDoNotHoldUpAThirdRequest() async throws {
        let viewer = try ServedViewer()
        let body = Data(#"{"fen": "\#(Self.fen)", "concept": "material_advantage", "method": "greedy"}"#.utf8)
        async let first = viewer.request("/api/maximise", method: "POST", body: body)
        async let second = viewer.request("/api/maximise", method: "POST", body: body)
        let started = Date()
        let page = try await viewer.request("/api/concepts?fen=startpos")
        let quick = Date().timeIntervalSince(started)
        let (a, b) = try await (first, second)
        #expect(page.status == 200 && a.status == 200 && b.status == 200)
        #expect(a.json["result_fen"] as? String == b.json["result_fen"] as? String, "the same search gives the same board")
        // The concepts came back while both searches were still running on their own threads.
        #expect(quick < max(a.json["seconds"] as! Double, b.json["seconds"] as! Double) + 0.5)
    }

    @Test func aPortOutOfRangeIsRefused() throws {
        let result = try CommandRunner.run(["serve", "--port", "70000"])
        #expect(result.status != 0 && result.standardError.contains("--port must be 0…65535"))
    }

    @Test func thePageShowsAPositionItsProbesAndASearch() async throws {
        let viewer = try ServedViewer()
        try await WebDriver.session { browser in try await Self.drive(browser, at: viewer.base) }
    }

    private static func drive(_ browser: WebDriver, at base: URL) async throws {
        try await browser.open(base)
        _ = try await browser.wait(for: "return document.body.dataset.shown || ''")
        try await browser.type(fen, into: "#fen-input")
        try await browser.click("#load-fen")
        let shown = try await browser.wait(for: "return document.body.dataset.shown === '\(fen)' ? document.body.dataset.shown : ''")
        #expect(shown as? String == fen)
        // The policy's favourite move is drawn as the first arrow, and every heatmap has a cell per layer and step.
        let arrows = try #require(try await browser.evaluate("return [...document.querySelectorAll('#arrows .arrow')].map(a => a.dataset.uci)") as? [String])
        let legal = Set(try Position(fen: fen).legalMoves.map(\.uci))
        #expect(!arrows.isEmpty && arrows.allSatisfy(legal.contains))
        let cells = try await browser.evaluate("return document.querySelectorAll('.probe-heatmap[data-concept=\"in_check\"] td[data-reading]').length") as? Int
        #expect(cells == 3)
        try await browser.evaluate("document.querySelector('#relevance-target').value = 'in_check'; document.querySelector('#relevance-target').dispatchEvent(new Event('change')); return true")
        try await browser.click("#show-relevance")
        _ = try await browser.wait(for: "return document.querySelectorAll('#heat rect').length")
        try await browser.screenshot(to: screenshots + "/position.png")

        try await browser.evaluate("document.querySelector('#search-concept').value = 'in_check'; return true")
        try await browser.click("#run-search")
        let resultFEN = try #require(try await browser.wait(for: "return document.querySelector('#search-result').dataset.fen || ''") as? String)
        let holds = try await browser.evaluate("return document.querySelector('#search-result').dataset.holds") as? String
        // The rules core reads the result board, and the concept function, not the probe, decides what the page calls it.
        let result = try Position(fen: resultFEN)
        let inCheck = ConceptCatalogue.all.first { $0.name == "in_check" }!.value(result) >= 0.5
        #expect(holds == String(inCheck))
        _ = try await browser.wait(for: "return document.body.dataset.shown === '\(resultFEN)'")
        let boards = try #require(try await browser.evaluate("return [...document.querySelectorAll('#search-result button')].map(b => b.dataset.fen)") as? [String])
        #expect(boards.first == fen && boards.last == resultFEN && boards.allSatisfy { (try? Position(fen: $0)) != nil })
        try await browser.screenshot(to: screenshots + "/search.png")
        #expect(try RasterImage.decodePNG(Data(contentsOf: URL(fileURLWithPath: screenshots + "/search.png"))).width >= 1000)
    }
}
