import XCTest
@testable import Experiments

/// The expected ids were computed independently in Python over the canonical form that
/// `CanonicalJSON` documents:
///
///     def num(x):  # numbers
///         if x == 0: return '0'
///         if x == int(x) and abs(x) < 1e15: return str(int(x))
///         sign, digits, exp = Decimal(repr(x)).normalize().as_tuple()
///         ds = ''.join(map(str, digits)); e = exp + len(digits) - 1
///         return ('-' if sign else '') + ds[0] + ('.' + ds[1:] if len(ds) > 1 else '') + 'e' + str(e)
///     # strings: json.dumps(s, ensure_ascii=False); objects: keys sorted, no whitespace
///     hashlib.sha256(canonical.encode()).hexdigest()[:16]
final class CellConfigurationTests: XCTestCase {
    static let richConfiguration = CellConfiguration(
        section: "semisupervised-table2", dataset: "MNIST", model: "SS_D", setting: "100 labels",
        seed: 2, profile: .quick,
        hyperparameters: [
            "learning rate": 0.0005, "epochs": 100, "batch size": 64, "alpha": 0.1, "beta": 1.0,
            "use batch norm": true, "optimizer": "rmsprop", "hidden": [500, 500], "tiny": 1e-8,
            "big": 1.5e20, "negative": -2.5,
            "unicode \u{f1}": "tab\there \"quoted\" \u{e9}\\ \u{01}", "Zeta": "upper",
        ])

    func testCanonicalFormMatchesPythonReference() {
        let expected = #"{"dataset":"MNIST","hyperparameters":{"Zeta":"upper","alpha":1e-1,"batch size":64,"beta":1,"big":1.5e20,"epochs":100,"hidden":[500,500],"learning rate":5e-4,"negative":-2.5e0,"optimizer":"rmsprop","tiny":1e-8,"unicode ñ":"tab\there \"quoted\" é\\ \u0001","use batch norm":true},"model":"SS_D","profile":"quick","section":"semisupervised-table2","seed":2,"setting":"100 labels"}"#
        XCTAssertEqual(Self.richConfiguration.canonicalJSON, expected)
    }

    func testIdMatchesPythonHashlib() {
        XCTAssertEqual(Self.richConfiguration.id, "b3334ed985052658")
        let empty = CellConfiguration(section: "vabc-table1", dataset: "MIT-BIH", model: "V-ABC",
                                      setting: "", seed: UInt64.max, profile: .paper)
        XCTAssertEqual(empty.canonicalJSON,
                       #"{"dataset":"MIT-BIH","hyperparameters":{},"model":"V-ABC","profile":"paper","section":"vabc-table1","seed":18446744073709551615,"setting":""}"#)
        XCTAssertEqual(empty.id, "5024f9f5ac42d702")
    }

    func testNumberFormattingMatchesPythonReference() {
        let cases: [(Double, String)] = [
            (0.0005, "5e-4"), (0.1, "1e-1"), (1.0 / 3.0, "3.333333333333333e-1"), (1e15, "1e15"),
            (123456789012345, "123456789012345"), (-0.0, "0"), (1.5e300, "1.5e300"),
            (Double.leastNonzeroMagnitude, "5e-324"), (Double.greatestFiniteMagnitude, "1.7976931348623157e308"),
            (-2.5, "-2.5e0"), (1e-8, "1e-8"), (1.5e20, "1.5e20"), (100, "100"), (0.25, "2.5e-1"),
            (1.5, "1.5e0"), (.nan, "\"NaN\""), (-.infinity, "\"-Infinity\""),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(CanonicalJSON.formatNumber(value), expected, "\(value)")
        }
    }

    func testIdIgnoresDictionaryOrderAndIntegerSpelling() {
        var reordered = Self.richConfiguration
        reordered.hyperparameters = [:]
        for key in Self.richConfiguration.hyperparameters.keys.sorted().reversed() {
            reordered.hyperparameters[key] = Self.richConfiguration.hyperparameters[key]
        }
        reordered.hyperparameters["epochs"] = .number(100.0)
        XCTAssertEqual(reordered.id, Self.richConfiguration.id)
    }

    func testEveryFieldChangesTheId() {
        let base = Self.richConfiguration
        var variants: [CellConfiguration] = []
        var c = base; c.section = "other"; variants.append(c)
        c = base; c.dataset = "SVHN"; variants.append(c)
        c = base; c.model = "ES_D"; variants.append(c)
        c = base; c.setting = "1000 labels"; variants.append(c)
        c = base; c.seed = 3; variants.append(c)
        c = base; c.profile = .paper; variants.append(c)
        c = base; c.hyperparameters["learning rate"] = 0.0005000000000000001; variants.append(c)
        c = base; c.hyperparameters["extra"] = false; variants.append(c)
        let ids = Set(variants.map(\.id) + [base.id])
        XCTAssertEqual(ids.count, variants.count + 1)
    }

    func testCodableRoundTripKeepsTheId() throws {
        let data = try JSONEncoder().encode(Self.richConfiguration)
        let decoded = try JSONDecoder().decode(CellConfiguration.self, from: data)
        XCTAssertEqual(decoded, Self.richConfiguration)
        XCTAssertEqual(decoded.id, "b3334ed985052658")
        XCTAssertEqual(decoded.hyperparameters["epochs"]?.intValue, 100)
        XCTAssertEqual(decoded.hyperparameters["use batch norm"]?.boolValue, true)
        XCTAssertEqual(decoded.hyperparameters["learning rate"]?.doubleValue, 0.0005)
        XCTAssertNil(decoded.hyperparameters["learning rate"]?.intValue)
    }

    func testProfileParsing() throws {
        XCTAssertEqual(try Profile(parsing: "quick"), .quick)
        XCTAssertThrowsError(try Profile(parsing: "fast")) { error in
            XCTAssertEqual("\(error)", "unknown profile 'fast'; valid profiles: smoke, quick, paper")
        }
    }
}
