/// A glob over UTF-8 bytes where `*` matches any run of characters and `?` exactly one.
///
/// Patterns are compiled once into 16-bit atoms so that a literal `*` (from the `${*}` policy
/// variable) stays distinct from the wildcard. Matching allocates nothing.
public struct WildcardPattern: Sendable, Equatable, Hashable {
  /// Atoms: 0...255 are literal bytes (already case-folded when `ignoresCase`), `star` and
  /// `question` are wildcards.
  var atoms: [UInt16]
  /// Whether ASCII letters match regardless of case.
  let ignoresCase: Bool
  /// The shape, precomputed so that common patterns skip the general matcher.
  let shape: Shape

  static let star: UInt16 = 0x100
  static let question: UInt16 = 0x101
  /// A `*` inside one of an ARN's first five segments that does not end its segment: it
  /// matches within the segment only, never across a colon.
  static let segmentStar: UInt16 = 0x102

  enum Shape: Sendable, Equatable, Hashable {
    /// `*` alone.
    case anything
    /// No wildcard at all.
    case exact
    /// Literal prefix followed by a single trailing `*`.
    case prefix
    /// Anything else.
    case general
    /// An ARN pattern with a `*` that may not cross colons.
    case segmented
  }

  /// Compiles `text`, treating `*` and `?` as wildcards.
  ///
  /// With `arnSegments`, the text is a resource ARN pattern and AWS's segment rule applies: a
  /// `*` in the first five colon-separated segments matches within its segment, unless it is
  /// the last character of the segment, in which case it may expand across colons.
  public init(_ text: String, ignoresCase: Bool = false, arnSegments: Bool = false) {
    var atoms: [UInt16] = []
    atoms.reserveCapacity(text.utf8.count)
    for b in text.utf8 {
      switch b {
      case UInt8(ascii: "*"): atoms.append(Self.star)
      case UInt8(ascii: "?"): atoms.append(Self.question)
      default: atoms.append(UInt16(ignoresCase ? Self.fold(b) : b))
      }
    }
    self.init(atoms: arnSegments ? Self.boundingStarsToSegments(atoms) : atoms, ignoresCase: ignoresCase)
  }

  /// Marks the stars that AWS's ARN segment rule keeps inside their segment: those in the first
  /// five colon-separated segments that are not the last character of their segment.
  static func boundingStarsToSegments(_ atoms: [UInt16]) -> [UInt16] {
    var out = atoms
    var colons = 0
    for i in out.indices {
      if out[i] == UInt16(UInt8(ascii: ":")) { colons += 1 }
      if out[i] == star && colons < 5 && i + 1 < out.count && out[i + 1] != UInt16(UInt8(ascii: ":")) {
        out[i] = segmentStar
      }
    }
    return out
  }

  /// Builds a pattern from atoms (used by policy-variable substitution).
  init(atoms: [UInt16], ignoresCase: Bool) {
    self.atoms = atoms
    self.ignoresCase = ignoresCase
    let stars = atoms.lazy.filter { $0 == Self.star }.count
    let questions = atoms.lazy.filter { $0 == Self.question }.count
    if atoms.contains(Self.segmentStar) {
      shape = .segmented
    } else if atoms.count == 1 && stars == 1 {
      shape = .anything
    } else if stars == 0 && questions == 0 {
      shape = .exact
    } else if stars == 1 && questions == 0 && atoms.last == Self.star {
      shape = .prefix
    } else {
      shape = .general
    }
  }

  /// Whether the pattern has any wildcard.
  public var hasWildcard: Bool { shape != .exact }

  /// Whether the pattern matches everything.
  public var matchesEverything: Bool { shape == .anything }

  @inline(__always)
  static func fold(_ b: UInt8) -> UInt8 {
    (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
  }

  /// Whether `text` matches the whole pattern.
  public func matches(_ text: String) -> Bool {
    if shape == .anything { return true }
    var text = text
    return text.withUTF8 { matches(bytes: $0) }
  }

  /// Whether `text` matches the whole pattern.
  public func matches(_ text: Substring) -> Bool {
    if shape == .anything { return true }
    var text = text
    return text.withUTF8 { matches(bytes: $0) }
  }

  /// Whether the bytes match the whole pattern.
  public func matches(bytes s: UnsafeBufferPointer<UInt8>) -> Bool {
    atoms.withUnsafeBufferPointer { p in
      switch shape {
      case .anything:
        return true
      case .exact:
        guard p.count == s.count else { return false }
        return literalRun(p, 0, s, 0, p.count)
      case .prefix:
        let n = p.count - 1
        guard s.count >= n else { return false }
        return literalRun(p, 0, s, 0, n)
      case .general:
        return general(p, s)
      case .segmented:
        return segmented(p, s)
      }
    }
  }

  @inline(__always)
  private func same(_ atom: UInt16, _ b: UInt8) -> Bool {
    atom == UInt16(ignoresCase ? Self.fold(b) : b)
  }

  @inline(__always)
  private func literalRun(
    _ p: UnsafeBufferPointer<UInt16>, _ pi: Int, _ s: UnsafeBufferPointer<UInt8>, _ si: Int, _ n: Int
  ) -> Bool {
    var k = 0
    while k < n {
      if !same(p[pi + k], s[si + k]) { return false }
      k += 1
    }
    return true
  }

  /// Skips one UTF-8 character starting at `i`.
  @inline(__always)
  private func nextCharacter(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
    var j = i + 1
    while j < s.count, s[j] & 0xC0 == 0x80 { j += 1 }
    return j
  }

  /// Glob matching by dynamic programming over the text, for patterns whose stars are not all
  /// alike (some may not cross colons). `reach[j]` says the pattern so far can end before
  /// byte `j`.
  private func segmented(_ p: UnsafeBufferPointer<UInt16>, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = s.count
    return withUnsafeTemporaryAllocation(of: Bool.self, capacity: n + 1) { reach in
      reach.initialize(repeating: false)
      reach[0] = true
      for atom in p {
        switch atom {
        case Self.star:
          var any = false
          for j in 0...n {
            any = any || reach[j]
            reach[j] = any
          }
        case Self.segmentStar:
          var any = false
          for j in 0...n {
            any = any || reach[j]
            reach[j] = any
            if j < n && s[j] == UInt8(ascii: ":") { any = false }
          }
        case Self.question:
          // One character, which may span several bytes: walk characters from the end so each
          // character's start still holds the previous step's value when its end is written.
          var end = n
          while end > 0 {
            var start = end - 1
            while start > 0 && s[start] & 0xC0 == 0x80 { start -= 1 }
            reach[end] = reach[start]
            var k = start + 1
            while k < end {
              reach[k] = false
              k += 1
            }
            end = start
          }
          reach[0] = false
        default:
          var j = n
          while j > 0 {
            reach[j] = reach[j - 1] && same(atom, s[j - 1])
            j -= 1
          }
          reach[0] = false
        }
      }
      return reach[n]
    }
  }

  /// The classic linear-time glob with one backtracking point: on a mismatch, the most recent
  /// `*` absorbs one more character. Correct because every `*` is the same wildcard.
  private func general(_ p: UnsafeBufferPointer<UInt16>, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
    var pi = 0
    var si = 0
    var starP = -1
    var starS = 0
    while si < s.count {
      if pi < p.count {
        let atom = p[pi]
        if atom == Self.star {
          starP = pi
          starS = si
          pi += 1
          continue
        }
        if atom == Self.question {
          pi += 1
          si = nextCharacter(s, si)
          continue
        }
        if same(atom, s[si]) {
          pi += 1
          si += 1
          continue
        }
      }
      guard starP >= 0 else { return false }
      pi = starP + 1
      starS = nextCharacter(s, starS)
      si = starS
    }
    while pi < p.count, p[pi] == Self.star { pi += 1 }
    return pi == p.count
  }
}
