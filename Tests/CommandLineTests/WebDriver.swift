import Foundation
import Glibc

/// A Chromium session driven through chromedriver's W3C WebDriver protocol, headless.
final class WebDriver {
    private let driver = Process()
    private let port: Int
    private var session = ""

    static let chromium = "/usr/bin/chromium", chromedriver = "/usr/bin/chromedriver"

    private init() async throws {
        for tool in [Self.chromium, Self.chromedriver] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw ViewerFailure("\(tool) is missing: the browser test needs Debian's chromium and chromium-driver (scripts/install-dependencies installs them)")
        }
        port = try Self.freePort()
        driver.executableURL = URL(fileURLWithPath: Self.chromedriver)
        // chromedriver's own log stays beside the screenshots, to tell why a browser did not start.
        try FileManager.default.createDirectory(atPath: ViewerTests.screenshots, withIntermediateDirectories: true)
        driver.arguments = ["--port=\(port)", "--log-path=\(ViewerTests.screenshots)/chromedriver.log"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": ["binary": Self.chromium, "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1250"]],
        ]]]
        // Ask for a browser once chromedriver says it is ready; a failed request must not be retried, as each starts a browser.
        var ready = false
        for _ in 0..<100 where !ready {
            ready = ((try? await command("GET", "/status"))?["value"] as? [String: Any])?["ready"] as? Bool == true
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        guard ready else { throw ViewerFailure("chromedriver did not become ready") }
        let started = try await command("POST", "/session", capabilities)
        guard let id = (started["value"] as? [String: Any])?["sessionId"] as? String else { throw ViewerFailure("chromedriver started no session: \(started)") }
        session = id
    }

    /// A loopback port nothing listens on: the kernel's pick for a socket bound to port 0.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw ViewerFailure("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        // SIGKILL: chromedriver may outlive a SIGTERM while it tears a browser down.
        kill(driver.processIdentifier, SIGKILL)
        driver.waitUntilExit()
    }

    /// Runs `body` in a new browser and closes the browser afterwards, whatever `body` did.
    static func session(_ body: (WebDriver) async throws -> Void) async throws {
        let browser = try await WebDriver()
        do { try await body(browser) } catch {
            await browser.close()
            throw error
        }
        await browser.close()
    }

    private func close() async { _ = try? await command("DELETE", "/session/\(session)") }

    func open(_ url: URL) async throws { _ = try await command("POST", "/session/\(session)/url", ["url": url.absoluteString]) }

    /// The element a CSS selector finds first.
    func element(_ selector: String) async throws -> String {
        let reply = try await command("POST", "/session/\(session)/element", ["using": "css selector", "value": selector])
        guard let value = reply["value"] as? [String: Any], let id = value.values.first as? String else { throw ViewerFailure("no element \(selector)") }
        return id
    }

    func click(_ selector: String) async throws {
        _ = try await command("POST", "/session/\(session)/element/\(try await element(selector))/click", [:])
    }

    func type(_ text: String, into selector: String) async throws {
        let id = try await element(selector)
        _ = try await command("POST", "/session/\(session)/element/\(id)/clear", [:])
        _ = try await command("POST", "/session/\(session)/element/\(id)/value", ["text": text])
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    func evaluate(_ script: String) async throws -> Any? {
        try await command("POST", "/session/\(session)/execute/sync", ["script": script, "args": []])["value"]
    }

    /// Waits until `script` returns something truthy (not null, false, 0 or ""), and returns it.
    func wait(for script: String, seconds: Double = 60) async throws -> Any {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = try await evaluate(script), !(value is NSNull), (value as? Bool) != false, (value as? Int) != 0, (value as? String) != "" {
                return value
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ViewerFailure("timed out waiting for: \(script)")
    }

    func screenshot(to path: String) async throws {
        guard let text = try await command("GET", "/session/\(session)/screenshot")["value"] as? String, let data = Data(base64Encoded: text) else {
            throw ViewerFailure("no screenshot")
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        let (status, data) = try LoopbackHTTP.exchange(port: port, method: method, path: path,
                                                       body: try body.map { try JSONSerialization.data(withJSONObject: $0) })
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard status == 200 else { throw ViewerFailure("WebDriver \(method) \(path): \(status) \(json)") }
        return json
    }
}
