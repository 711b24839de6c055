import Hummingbird
import NIOCore

/// The request context: Hummingbird's core plus the peer address (for `aws:SourceIp`).
public struct PortcullisRequestContext: RequestContext, RemoteAddressRequestContext {
  public var coreContext: CoreRequestContextStorage
  public let remoteAddress: SocketAddress?

  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    remoteAddress = source.channel.remoteAddress
  }
}
