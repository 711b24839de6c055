import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive lock on a data directory (`flock` on `DATA_DIR/portcullis.lock`): a server
/// holds it while it runs, and offline tasks such as `portcullis admin rotate-master-key`
/// take it so they never change files a running server has loaded. The kernel releases it
/// when the process ends, however it ends, so a crash leaves no stale lock.
public final class DataDirectoryLock: Sendable {
  private let descriptor: Int32
  /// The lock file.
  public let path: String

  /// Takes the lock of `directory`, or throws at once if another process holds it.
  public init(directory: String) throws {
    path = "\(directory)/portcullis.lock"
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw DirectoryLoadError(message: "cannot open the lock file \(path)") }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      close(fd)
      throw DirectoryLoadError(
        message: "the data directory \(directory) is in use by another portcullis process (it holds \(path))")
    }
    descriptor = fd
  }

  /// Keeps the lock until the process exits (a server's lifetime).
  public func holdUntilExit() {
    _ = Unmanaged.passRetained(self)
  }

  deinit {
    close(descriptor)
  }
}
