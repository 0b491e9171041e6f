package dev.allocator.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The echo server of docs/netty.md: every buffer its channels read into and write from comes from
 * {@code budget(limit=64MiB) > sizeclasses}, through {@link SegmentByteBufAllocator}. Run by {@code EchoServerTest}.
 */
final class EchoServer implements AutoCloseable {

    private final SegmentByteBufAllocator buffers = new SegmentByteBufAllocator("budget(limit=64MiB) > sizeclasses");
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel server;

    EchoServer(InetSocketAddress address) throws InterruptedException {
        server = new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, buffers)        // the listening channel
                .childOption(ChannelOption.ALLOCATOR, buffers)   // every accepted connection
                .childHandler(new Echo())
                .bind(address).sync().channel();
    }

    /** Writes back what it reads: the buffer read from our allocator is written, then released by the transport. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();   // an AllocationException (the budget is spent) lands here too: drop the connection
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    SegmentByteBufAllocator buffers() {
        return buffers;
    }

    /** Stops accepting, closes every connection, stops the event loops, then closes the allocator. */
    @Override
    public void close() throws InterruptedException {
        server.close().sync();
        loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        buffers.close();
    }
}
