import StudyKit
import XCTest

final class NamedChoiceTests: XCTestCase {
    private enum Fruit: String, CaseIterable, NamedChoice {
        case apple, pear
        static let kind = "fruit"
    }

    func testAnUnknownNameIsRefusedWithTheKnownOnes() {
        XCTAssertEqual(try Fruit(parsing: "pear"), .pear)
        XCTAssertThrowsError(try Fruit(parsing: "plum")) { error in
            XCTAssertEqual(String(describing: error), "unknown fruit 'plum'; known: apple, pear")
        }
    }

    func testAListIsTrimmedCheckedAndNilSelectsEverything() throws {
        XCTAssertEqual(try Fruit.parsingList(" apple, pear"), [.apple, .pear])
        XCTAssertEqual(try Fruit.parsingList(nil), [.apple, .pear])
        XCTAssertThrowsError(try Fruit.parsingList("apple,"), "an empty name is not a fruit")
    }
}
