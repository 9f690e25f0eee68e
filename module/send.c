// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Transmit: route the inner packet to a peer by its allowed prefixes,
 * encrypt it in place under the sender's key (or the peer's pairwise
 * key), push the shoal header and send it over the UDP socket with the
 * peer's cached route. A packet to a group is encrypted once into page
 * frags, and every member gets a copy with only its own outer headers.
 * All of it runs in the caller's context (ndo_start_xmit, a timer): no
 * queue, no worker.
 */

#include <linux/highmem.h>
#include <linux/icmpv6.h>
#include <linux/scatterlist.h>
#include <net/icmp.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/tcp.h>
#include <net/udp_tunnel.h>

#include "device.h"
#include "group.h"
#include "keys.h"
#include "netlink.h"
#include "peer.h"
#include "send.h"

/*
 * The inner destination address (and its family), or NULL when the packet
 * is neither a well-formed IPv4 nor IPv6 packet.
 */
static const void *shoal_send_daddr(struct sk_buff *skb, u8 *family)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		if (!pskb_network_may_pull(skb, sizeof(struct iphdr)) ||
		    ip_hdr(skb)->version != 4)
			return NULL;
		*family = AF_INET;
		return &ip_hdr(skb)->daddr;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) ||
		    ipv6_hdr(skb)->version != 6)
			return NULL;
		*family = AF_INET6;
		return &ipv6_hdr(skb)->daddr;
	}
	return NULL;
}

static void shoal_send_unreachable(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP) &&
	    pskb_network_may_pull(skb, sizeof(struct iphdr)))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else if (skb->protocol == htons(ETH_P_IPV6) &&
		 pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH,
				0);
}

/* Tells the sender of an over-sized packet the MTU, as a router does. */
static bool shoal_send_too_big(struct sk_buff *skb, unsigned int mtu)
{
	if (skb_is_gso(skb) ? skb_gso_validate_network_len(skb, mtu) :
			      skb->len <= mtu)
		return false;
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(mtu));
	else
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	return true;
}

/*
 * Whether the path to @peer is too narrow for @skb: its route's MTU, less
 * the overhead, is below the device's @mtu, and the inner packet must not
 * be fragmented (IPv6, or IPv4 with DF). Its sender is then told the
 * path's MTU, as a router would; a packet that may be fragmented leaves in
 * outer fragments instead. The header was pulled by shoal_send_daddr().
 */
static bool shoal_send_path_too_big(struct shoal_peer *peer,
				    struct sk_buff *skb, unsigned int mtu)
{
	unsigned int pmtu = READ_ONCE(peer->pmtu);

	if (likely(!pmtu || pmtu >= mtu))
		return false;
	if (skb->protocol == htons(ETH_P_IP)) {
		if (!(ip_hdr(skb)->frag_off & htons(IP_DF)) ||
		    pmtu < IPV4_MIN_MTU)
			return false;
	} else if (pmtu < IPV6_MIN_MTU) {
		return false;
	}
	return shoal_send_too_big(skb, pmtu);
}

/*
 * Remembers what the route to @peer carries, on every send: a cached route
 * can stay valid while its MTU changes (an existing PMTU exception updated
 * in place, or expired).
 */
static void shoal_send_note_pmtu(struct shoal_peer *peer,
				 struct dst_entry *dst, unsigned int overhead)
{
	unsigned int mtu = dst_mtu(dst);

	mtu = mtu > overhead ? mtu - overhead : 0;
	if (unlikely(READ_ONCE(peer->pmtu) != mtu))
		WRITE_ONCE(peer->pmtu, mtu);
}

static void shoal_send_drop(struct shoal_peer *peer, struct sk_buff *skb,
			    enum shoal_stat reason)
{
	shoal_dev_drop(peer->sd, peer->stats, reason, false);
	kfree_skb(skb);
}

/*
 * Counts @n packets that were not sent, on the device and on the peer and
 * the group they were for, if any.
 */
static void shoal_send_count_drops(struct shoal_dev *sd,
				   struct shoal_peer *peer,
				   struct shoal_group *g,
				   enum shoal_stat reason, unsigned int n)
{
	if (!n)
		return;
	shoal_dev_drops(sd, peer ? peer->stats : NULL, reason, n, false);
	if (g)
		shoal_stats_add(g->stats, reason, n);
}

/* The key the device uses towards @peer, or NULL. Under RCU-bh. */
static struct shoal_txkey *shoal_send_key(struct shoal_dev *sd,
					  struct shoal_peer *peer)
{
	struct shoal_txkey *k = rcu_dereference_bh(peer->txkey);

	return k ?: rcu_dereference_bh(sd->tx_active);
}

/*
 * Whether @peer has an endpoint to send to. Checked before encrypting for
 * it, so that a peer that has none yet (one waiting to be roamed to) costs
 * neither an AEAD operation nor a counter of its key.
 */
static bool shoal_send_has_ep(const struct shoal_peer *peer)
{
	return rcu_access_pointer(peer->ep);
}

/* Whether @key is worn out: a batch then allocates nothing. */
static bool shoal_send_worn(const struct shoal_txkey *key)
{
	return test_bit(SHOAL_TXKEY_EXHAUSTED, &key->flags);
}

/*
 * Takes @n consecutive counters of @key, the first in *@counter, and
 * returns how many of them are below its limit: 0 once the key is worn
 * out. The first sender to reach the limit tells userspace; nobody uses
 * the key again. A batch takes its counters at once, so CPUs sending
 * under one key meet on its counter once per batch, not per datagram.
 * @peer is the peer a pairwise @key belongs to, else NULL.
 */
static unsigned int shoal_send_counters(struct shoal_dev *sd,
					struct shoal_peer *peer,
					struct shoal_txkey *key, unsigned int n,
					u64 *counter)
{
	u64 end;

	if (unlikely(shoal_send_worn(key)))
		return 0;
	end = atomic64_add_return(n, &key->counter);
	*counter = end - n;
	if (likely(end <= key->limit))
		return n;
	if (!test_and_set_bit(SHOAL_TXKEY_EXHAUSTED, &key->flags))
		shoal_nl_notify_exhausted(sd, key,
					  peer && rcu_access_pointer(peer->txkey) == key ?
					  peer : NULL);
	return *counter < key->limit ? key->limit - *counter : 0;
}

/* The outer UDP header; the skb leaves the inner packet's context. */
static void shoal_send_push_udp(struct sock *sk, struct sk_buff *skb,
				__be16 dport, bool xnet)
{
	struct udphdr *uh;

	__skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh = udp_hdr(skb);
	/*
	 * The socket's own port, not the device's setting, which a port
	 * change clears apart from the socket this datagram leaves by.
	 */
	uh->source = inet_sk(sk)->inet_sport;
	uh->dest = dport;
	uh->len = htons(skb->len);
	skb_scrub_packet(skb, xnet);
	/*
	 * A packet of another tunnel (VXLAN over shoal) is sealed in place:
	 * its inner headers are ciphertext now, and the underlay must not
	 * offload by them.
	 */
	skb->encapsulation = 0;
}

/*
 * The outer UDP and IPv4 headers, then the underlay's output, as
 * udp_tunnel_xmit_skb() does it but with the verdict returned, so that a
 * datagram the underlay refuses (a full queue, a netfilter verdict) is
 * counted on its peer. Consumes the skb.
 */
static int shoal_send_udp4(struct sock *sk, struct rtable *rt,
			   struct sk_buff *skb, __be32 saddr, __be32 daddr,
			   u8 tos, __be16 dport, bool xnet)
{
	struct net *net = dev_net(rt->dst.dev);
	struct iphdr *iph;
	int err;

	shoal_send_push_udp(sk, skb, dport, xnet);
	udp_set_csum(false, skb, saddr, daddr, skb->len);
	skb_dst_set(skb, &rt->dst);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));

	__skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->frag_off = 0;
	iph->protocol = IPPROTO_UDP;
	iph->tos = tos;
	iph->daddr = daddr;
	iph->saddr = saddr;
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	__ip_select_ident(net, iph, skb_shinfo(skb)->gso_segs ?: 1);
	err = ip_local_out(net, sk, skb);
	return net_xmit_eval(err);
}

/* The same for IPv6 (udp_tunnel6_xmit_skb() with its verdict). */
static int shoal_send_udp6(struct sock *sk, struct dst_entry *dst,
			   struct sk_buff *skb, const struct in6_addr *saddr,
			   const struct in6_addr *daddr, u8 tos,
			   __be16 dport, bool xnet)
{
	struct ipv6hdr *ip6h;
	int err;

	shoal_send_push_udp(sk, skb, dport, xnet);
	/*
	 * skb_scrub_packet() cleared it: without it ip6_fragment() refuses a
	 * datagram over the path MTU, which must leave in fragments as over
	 * IPv4 (where the outer header never sets DF).
	 */
	skb->ignore_df = 1;
	udp6_set_csum(false, skb, saddr, daddr, skb->len);
	skb_dst_set(skb, dst);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));

	__skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, tos, 0);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->daddr = *daddr;
	ip6h->saddr = *saddr;
	/* net_xmit_eval() evaluates its argument twice. */
	err = ip6_local_out(dev_net(dst->dev), sk, skb);
	return net_xmit_eval(err);
}

/* Route to @peer's endpoint @ep, cached, and send. Consumes the skb. */
static int shoal_send_ip4(struct shoal_peer *peer, struct sock *sk,
			  struct sk_buff *skb, struct shoal_peer_ep *ep, u8 tos)
{
	const struct sockaddr_in *to = &ep->addr.addr4;
	struct shoal_dev *sd = peer->sd;
	struct rtable *rt;
	__be32 saddr;

	rt = dst_cache_get_ip4(&ep->dst_cache, &saddr);
	if (!rt) {
		struct flowi4 fl4 = {
			.daddr = to->sin_addr.s_addr,
			.flowi4_proto = IPPROTO_UDP,
			.fl4_dport = to->sin_port,
			.fl4_sport = inet_sk(sk)->inet_sport,
		};

		rt = ip_route_output_flow(sock_net(sk), &fl4, sk);
		if (IS_ERR(rt)) {
			kfree_skb(skb);
			return PTR_ERR(rt);
		}
		if (unlikely(rt->dst.dev == sd->dev)) {
			ip_rt_put(rt);
			kfree_skb(skb);
			return -ELOOP;
		}
		saddr = fl4.saddr;
		dst_cache_set_ip4(&ep->dst_cache, &rt->dst, saddr);
	}
	shoal_send_note_pmtu(peer, &rt->dst, SHOAL_OVERHEAD_V4);
	return shoal_send_udp4(sk, rt, skb, saddr, to->sin_addr.s_addr,
			       tos, to->sin_port,
			       !net_eq(sock_net(sk), dev_net(sd->dev)));
}

/* As shoal_send_ip4(), for an IPv6 endpoint. */
static int shoal_send_ip6(struct shoal_peer *peer, struct sock *sk,
			  struct sk_buff *skb, struct shoal_peer_ep *ep, u8 tos)
{
	const struct sockaddr_in6 *to = &ep->addr.addr6;
	struct shoal_dev *sd = peer->sd;
	struct dst_entry *dst;
	struct in6_addr saddr;

	dst = dst_cache_get_ip6(&ep->dst_cache, &saddr);
	if (!dst) {
		struct flowi6 fl6 = {
			.daddr = to->sin6_addr,
			.flowi6_proto = IPPROTO_UDP,
			.fl6_dport = to->sin6_port,
			.fl6_sport = inet_sk(sk)->inet_sport,
			.flowi6_oif = to->sin6_scope_id,
		};

		dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sk), sk, &fl6,
						      NULL);
		if (IS_ERR(dst)) {
			kfree_skb(skb);
			return PTR_ERR(dst);
		}
		if (unlikely(dst->dev == sd->dev)) {
			dst_release(dst);
			kfree_skb(skb);
			return -ELOOP;
		}
		saddr = fl6.saddr;
		dst_cache_set_ip6(&ep->dst_cache, dst, &saddr);
	}
	shoal_send_note_pmtu(peer, dst, SHOAL_OVERHEAD_V6);
	return shoal_send_udp6(sk, dst, skb, &saddr, &to->sin6_addr, tos,
			       to->sin6_port,
			       !net_eq(sock_net(sk), dev_net(sd->dev)));
}

/*
 * Fills in the header of the datagram with @counter, under the current
 * epoch of @key (*@epoch).
 */
static void shoal_send_hdr(struct shoal_dev *sd, struct shoal_txkey *key,
			   u64 counter, struct shoal_hdr *hdr,
			   const struct shoal_epoch **epoch)
{
	*epoch = shoal_txkey_epoch(key, READ_ONCE(sd->sender_id));
	hdr->type = SHOAL_TYPE_VERSION;
	hdr->flags = 0;
	hdr->key_id = key->id;
	hdr->reserved = 0;
	hdr->sender_id = cpu_to_be32((*epoch)->sender_id);
	hdr->epoch = cpu_to_be64((*epoch)->epoch);
	hdr->counter = cpu_to_be64(counter);
}

/* DSCP copied from the inner packet, ECN as RFC 6040 says. */
static u8 shoal_send_tos(struct sk_buff *skb)
{
	if (!skb->len)
		return 0;
	return ip_tunnel_ecn_encap(ip_tunnel_get_dsfield(ip_hdr(skb), skb),
				   ip_hdr(skb), skb);
}

/*
 * Sends a sealed skb (skb->data at the shoal header of its first datagram)
 * to @peer's endpoint through its cached route, and counts what it
 * carries: @segs datagrams holding @bytes inner bytes. A send that fails
 * is counted on the group @g too, when they went to it as a member.
 * Consumes the skb. Returns whether it left.
 */
static bool shoal_send_out(struct shoal_peer *peer, struct shoal_group *g,
			   struct sk_buff *skb, u8 tos, unsigned int bytes,
			   unsigned int segs)
{
	struct shoal_dev *sd = peer->sd;
	struct shoal_peer_ep *ep;
	struct sock *sk = NULL;
	int err;

	skb->dev = sd->dev;
	rcu_read_lock_bh();
	ep = rcu_dereference_bh(peer->ep);
	if (ep && ep->addr.addr.sa_family == AF_INET)
		sk = rcu_dereference_bh(sd->sock4);
	else if (ep)
		sk = rcu_dereference_bh(sd->sock6);
	if (!sk) {
		kfree_skb(skb);
		err = ep ? -ENOTCONN : -EDESTADDRREQ;
		goto out;
	}
	/*
	 * Every datagram to an endpoint is one outer flow (fixed ports): it
	 * must hash as one, not keep an inner packet's hash when sent alone,
	 * or RPS and XPS could part a peer's datagrams. The endpoint's own
	 * hash spares each datagram a pass of the flow dissector where one is
	 * wanted (a multiqueue NIC's queue choice, RPS on a veth's peer), a
	 * pass per member in a fan-out.
	 */
	skb_set_hash(skb, ep->hash, PKT_HASH_TYPE_L4);
	if (ep->addr.addr.sa_family == AF_INET)
		err = shoal_send_ip4(peer, sk, skb, ep, tos);
	else
		err = shoal_send_ip6(peer, sk, skb, ep, tos);
out:
	rcu_read_unlock_bh();
	if (err) {
		net_dbg_ratelimited("%s: cannot send to peer %u: %d\n",
				    sd->dev->name, peer->sender_id, err);
		shoal_send_count_drops(sd, peer, g, SHOAL_STAT_DROP_TX_ERROR,
				       segs);
		return false;
	}
	dev_sw_netstats_tx_add(sd->dev, segs, bytes);
	shoal_peer_stamp(&peer->last_tx);
	shoal_stats_add2(peer->stats, SHOAL_STAT_TX_PACKETS, segs,
			 SHOAL_STAT_TX_BYTES, bytes);
	shoal_stats_add2(sd->stats, SHOAL_STAT_TX_PACKETS, segs,
			 SHOAL_STAT_TX_BYTES, bytes);
	if (segs > 1) {
		shoal_stats_add2(peer->stats, SHOAL_STAT_TX_GSO_BATCHES, 1,
				 SHOAL_STAT_TX_GSO_SEGMENTS, segs);
		shoal_stats_add2(sd->stats, SHOAL_STAT_TX_GSO_BATCHES, 1,
				 SHOAL_STAT_TX_GSO_SEGMENTS, segs);
	}
	return true;
}

/* Counts @n AEAD operations on the device, and on a peer and a group. */
static void shoal_send_encrypted(struct shoal_dev *sd, struct shoal_peer *peer,
				 struct shoal_group *g, unsigned int n)
{
	shoal_stats_add(sd->stats, SHOAL_STAT_TX_ENCRYPTIONS, n);
	if (peer)
		shoal_stats_add(peer->stats, SHOAL_STAT_TX_ENCRYPTIONS, n);
	if (g)
		shoal_stats_add(g->stats, SHOAL_STAT_TX_ENCRYPTIONS, n);
}

/*
 * Encrypts one packet (skb->data at its network header; empty for a
 * keepalive) in place under @key and puts the header before it; @peer as
 * for shoal_send_counters(). Returns 0, or why the skb is to be dropped.
 */
static int shoal_seal_one(struct shoal_dev *sd, struct shoal_peer *peer,
			  struct shoal_txkey *key, struct sk_buff *skb)
{
	const struct shoal_epoch *epoch;
	struct shoal_hdr hdr;
	u64 counter;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return SHOAL_STAT_DROP_TX_ERROR;
	if (!shoal_send_counters(sd, peer, key, 1, &counter))
		return SHOAL_STAT_DROP_NO_KEY;
	shoal_send_hdr(sd, key, counter, &hdr, &epoch);
	if (!shoal_seal(skb, &hdr, key->cipher, &epoch->key) ||
	    skb_cow_head(skb, sd->dev->needed_headroom))
		return SHOAL_STAT_DROP_TX_ERROR;
	memcpy(skb_push(skb, SHOAL_HDR_LEN), &hdr, SHOAL_HDR_LEN);
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/* Encrypts one packet in place for @peer and sends it. Consumes the skb. */
static void shoal_send_one(struct shoal_peer *peer, struct shoal_txkey *key,
			   struct sk_buff *skb)
{
	unsigned int len = skb->len;
	u8 tos = shoal_send_tos(skb);
	int why;

	why = shoal_seal_one(peer->sd, peer, key, skb);
	if (why)
		return shoal_send_drop(peer, skb, why);
	shoal_send_encrypted(peer->sd, peer, NULL, 1);
	shoal_send_out(peer, NULL, skb, tos, len, 1);
}

/* Copies the bytes of @seg into @out at @off; @out's frags are lowmem. */
static int shoal_batch_copy(struct sk_buff *out, unsigned int off,
			    struct sk_buff *seg)
{
	u32 p_off, p_len, copied;
	struct page *p;
	unsigned int i;
	int err;

	if (skb_has_frag_list(seg) && __skb_linearize(seg))
		return -ENOMEM;
	err = skb_store_bits(out, off, seg->data, skb_headlen(seg));
	off += skb_headlen(seg);
	for (i = 0; !err && i < skb_shinfo(seg)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(seg)->frags[i];

		skb_frag_foreach_page(f, skb_frag_off(f), skb_frag_size(f),
				      p, p_off, p_len, copied) {
			u8 *vaddr = kmap_local_page(p);

			err = skb_store_bits(out, off + copied, vaddr + p_off,
					     p_len);
			kunmap_local(vaddr);
			if (err)
				break;
		}
		off += skb_frag_size(f);
	}
	return err;
}

/* The bytes @seg takes as a sealed datagram: header, ciphertext, tag. */
static unsigned int shoal_batch_dgram_len(const struct sk_buff *seg)
{
	return SHOAL_HDR_LEN + seg->len + SHOAL_TAG_LEN;
}

/*
 * Seals the datagram with @counter of @key at @off in @out: its header
 * there, and the @len plaintext bytes after it encrypted in place.
 */
static bool shoal_batch_seal_one(struct shoal_dev *sd, struct shoal_txkey *key,
				 u64 counter, struct sk_buff *out,
				 unsigned int off, unsigned int len)
{
	struct scatterlist sg[MAX_SKB_FRAGS + 8];
	const struct shoal_epoch *epoch;
	struct shoal_hdr hdr;

	shoal_send_hdr(sd, key, counter, &hdr, &epoch);
	sg_init_table(sg, ARRAY_SIZE(sg));
	return !skb_store_bits(out, off, &hdr, SHOAL_HDR_LEN) &&
	       skb_to_sgvec(out, sg, off + SHOAL_HDR_LEN,
			    len + SHOAL_TAG_LEN) >= 0 &&
	       shoal_aead_seal_sg(&epoch->key, key->cipher, sg, len, &hdr);
}

/*
 * A new skb for @total bytes of @count datagrams, all in page frags; its
 * head only has room for the outer headers. It takes the metadata of
 * @inner, the plaintext. The datagrams' counters are taken with it, the
 * first in *@counter, *@got of them usable (shoal_send_counters()); under
 * a worn-out key nothing is allocated (-ENOKEY).
 */
static struct sk_buff *shoal_batch_alloc(struct shoal_dev *sd,
					 struct shoal_peer *peer,
					 struct shoal_txkey *key,
					 const struct sk_buff *inner,
					 unsigned int total, unsigned int count,
					 u64 *counter, unsigned int *got)
{
	struct sk_buff *out;
	int err;

	if (unlikely(shoal_send_worn(key)))
		return ERR_PTR(-ENOKEY);
	out = alloc_skb_with_frags(sd->dev->needed_headroom, total,
				   PAGE_ALLOC_COSTLY_ORDER, &err, GFP_ATOMIC);
	if (!out)
		return ERR_PTR(err);
	skb_reserve(out, sd->dev->needed_headroom);
	/* The frags are allocated, but not yet counted as data. */
	out->data_len = total;
	out->len = total;
	/*
	 * What the underlay's qdiscs, rules and pacing go by, as a packet
	 * sealed alone keeps it.
	 */
	out->priority = inner->priority;
	out->mark = inner->mark;
	skb_set_delivery_time(out, inner->tstamp, inner->mono_delivery_time);
	*got = shoal_send_counters(sd, peer, key, count, counter);
	return out;
}

/* A batch that could not be built: freed, and none of it sent. */
static struct sk_buff *shoal_batch_fail(struct shoal_dev *sd,
					struct sk_buff *out, unsigned int *n)
{
	net_dbg_ratelimited("%s: cannot batch %u bytes\n", sd->dev->name,
			    out->len);
	kfree_skb(out);
	*n = 0;
	return ERR_PTR(-EIO);
}

/*
 * Trims @out to the @n datagrams sealed in its first @len bytes, each
 * @dgram bytes long but the last. Several make an outer UDP GSO skb that
 * the underlay segments as late as it can (on a veth, it crosses whole).
 */
static struct sk_buff *shoal_batch_finish(struct sk_buff *out, unsigned int n,
					  unsigned int len, unsigned int dgram)
{
	if (!n) {
		kfree_skb(out);
		return ERR_PTR(-ENOKEY);
	}
	pskb_trim(out, len);
	if (n == 1) {
		/* One datagram: UDP sets up its own checksum. */
		out->ip_summed = CHECKSUM_NONE;
		return out;
	}
	skb_shinfo(out)->gso_size = dgram;
	skb_shinfo(out)->gso_type = SKB_GSO_UDP_L4;
	skb_shinfo(out)->gso_segs = n;
	/*
	 * The UDP header goes right before the data: its checksum is left to
	 * the segmentation (or the NIC), as for a socket's UDP GSO send.
	 */
	out->ip_summed = CHECKSUM_PARTIAL;
	out->csum_start = skb_headroom(out) - sizeof(struct udphdr);
	out->csum_offset = offsetof(struct udphdr, check);
	return out;
}

/*
 * Encrypts @segs, plaintext packets all @mss long but the last, under @key
 * into consecutive datagrams of ONE new skb (shoal_batch_alloc()); copies
 * of it for fan-out share the ciphertext. @segs stay as they were but for
 * their checksums, which are resolved, so another key can seal them again.
 * @peer is the peer a pairwise @key belongs to, else NULL.
 *
 * Returns the skb, with *@n datagrams holding *@bytes plaintext bytes
 * (fewer than @segs once the key wears out), or an ERR_PTR: -ENOKEY when
 * the key is worn out, another errno when the skb cannot be built.
 */
static struct sk_buff *shoal_batch_seal(struct shoal_dev *sd,
					struct shoal_peer *peer,
					struct shoal_txkey *key,
					struct sk_buff *segs, unsigned int mss,
					unsigned int *n, unsigned int *bytes)
{
	unsigned int total = 0, off = 0, count = 0, got;
	struct sk_buff *out, *seg, *next;
	u64 counter;

	*n = 0;
	*bytes = 0;
	skb_list_walk_safe(segs, seg, next) {
		total += shoal_batch_dgram_len(seg);
		count++;
	}
	out = shoal_batch_alloc(sd, peer, key, segs, total, count, &counter,
				&got);
	if (IS_ERR(out))
		return out;

	skb_list_walk_safe(segs, seg, next) {
		unsigned int len = seg->len;

		if (*n == got)
			break;
		if ((seg->ip_summed == CHECKSUM_PARTIAL &&
		     skb_checksum_help(seg)) ||
		    shoal_batch_copy(out, off + SHOAL_HDR_LEN, seg) ||
		    !shoal_batch_seal_one(sd, key, counter + *n, out, off, len))
			return shoal_batch_fail(sd, out, n);
		off += SHOAL_HDR_LEN + len + SHOAL_TAG_LEN;
		*bytes += len;
		(*n)++;
	}
	return shoal_batch_finish(out, *n, off,
				  SHOAL_HDR_LEN + mss + SHOAL_TAG_LEN);
}

static void shoal_send_consume(struct sk_buff *segs)
{
	struct sk_buff *seg, *next;

	skb_list_walk_safe(segs, seg, next)
		consume_skb(seg);
}

/* Why packets a failed shoal_batch_seal() was given are dropped. */
static enum shoal_stat shoal_batch_reason(const struct sk_buff *out)
{
	return PTR_ERR(out) == -ENOKEY ? SHOAL_STAT_DROP_NO_KEY :
					 SHOAL_STAT_DROP_TX_ERROR;
}

/*
 * The outer IPv4 total length and IPv6 payload length are 16 bits, and the
 * IP output writes the whole skb's length into them; and a device takes a
 * GSO skb whole only if it is shorter than its gso_max_size (64 KiB but
 * where raised), link-layer header included. The datagrams of one outer
 * GSO skb must fit both: a longer skb would be segmented in software before
 * the underlay device, each datagram apart, or carry a wrong length past a
 * device that took it whole.
 */
#define SHOAL_BATCH_MAX	(GSO_LEGACY_MAX_SIZE - 1 - LL_MAX_HEADER - \
			 sizeof(struct ipv6hdr) - sizeof(struct udphdr))

/*
 * Detaches from *@segs the longest run of segments whose datagrams fit one
 * outer GSO skb (at least one segment) and returns it, with its length in
 * *@n; *@segs keeps the rest, NULL once there is none.
 */
static struct sk_buff *shoal_batch_take(struct sk_buff **segs, unsigned int *n)
{
	struct sk_buff *first = *segs, *last = first;
	unsigned int total = shoal_batch_dgram_len(first);

	for (*n = 1; last->next; (*n)++) {
		total += shoal_batch_dgram_len(last->next);
		if (total > SHOAL_BATCH_MAX)
			break;
		last = last->next;
	}
	*segs = last->next;
	skb_mark_not_on_list(last);
	return first;
}

/*
 * Charges @out to the socket @seg was charged to, as the segments of a TCP
 * or UDP GSO send are (tcp_wfree() or sock_wfree(); the GSO code copies no
 * other destructor to them): TCP Small Queues and the send buffer then see
 * the datagrams leave, not only their plaintext sealed. Without it, a TCP
 * flow pushed its whole window into the underlay's queues, and its RTT
 * grew with the window.
 */
static void shoal_batch_own(struct sk_buff *out, const struct sk_buff *seg)
{
	struct sock *sk = seg->sk;

	if (!sk || !seg->destructor || !sk_fullsock(sk) ||
	    (seg->destructor != sock_wfree && sk->sk_protocol != IPPROTO_TCP))
		return;
	out->sk = sk;
	out->destructor = seg->destructor;
	refcount_add(out->truesize, &sk->sk_wmem_alloc);
}

/*
 * Sends @out, the batch sealed from @count segments for @peer (an ERR_PTR
 * if it could not be), as a member of @g or NULL, and counts what it
 * carries: @n datagrams of @bytes plaintext bytes, the rest dropped. The
 * batch is charged to @inner's socket; fan-out passes NULL. Returns
 * whether it left.
 */
static bool shoal_batch_out(struct shoal_peer *peer, struct shoal_group *g,
			    struct sk_buff *out, const struct sk_buff *inner,
			    u8 tos, unsigned int count, unsigned int n,
			    unsigned int bytes)
{
	struct shoal_dev *sd = peer->sd;

	if (IS_ERR(out)) {
		shoal_send_count_drops(sd, peer, g, shoal_batch_reason(out),
				       count);
		return false;
	}
	if (inner)
		shoal_batch_own(out, inner);
	/* Segments past a key's limit are dropped, as alone. */
	shoal_send_count_drops(sd, peer, g, SHOAL_STAT_DROP_NO_KEY, count - n);
	shoal_send_encrypted(sd, peer, g, n);
	return shoal_send_out(peer, g, out, tos, bytes, n);
}

/*
 * The segments of one GSO super-packet leave for @peer in as few outer GSO
 * skbs as their length allows. Consumes @segs.
 */
static void shoal_send_batch(struct shoal_peer *peer, struct shoal_txkey *key,
			     struct sk_buff *segs, unsigned int mss)
{
	struct shoal_dev *sd = peer->sd;
	u8 tos = shoal_send_tos(segs);
	unsigned int n, nsegs, bytes;
	struct sk_buff *out, *batch;

	while (segs) {
		batch = shoal_batch_take(&segs, &nsegs);
		out = shoal_batch_seal(sd, peer, key, batch, mss, &n, &bytes);
		/* The charge passes to @out before the segments go. */
		shoal_batch_out(peer, NULL, out, batch, tos, nsegs, n, bytes);
		shoal_send_consume(batch);
	}
}

/*
 * A TCP super-packet cut into datagrams as they are written, as a NIC's
 * TSO cuts it: each segment gets the super-packet's headers with its own
 * lengths, sequence number, IPv4 id, flags and checksums, and its payload
 * is copied from the super-packet's pages straight into the sealed skb,
 * checksummed on the way. No skb per segment, and no pass over the
 * payload for its checksum alone.
 * @skb: the super-packet, skb->data at its network header
 * @nhlen: length of its network header
 * @hlen: length of its network and TCP headers
 * @mss: payload bytes of every segment but the last
 * @len: payload bytes in all
 * @nsegs: segments
 * @dgram: bytes of a full segment's datagram
 */
struct shoal_tso {
	struct sk_buff *skb;
	unsigned int nhlen;
	unsigned int hlen;
	unsigned int mss;
	unsigned int len;
	unsigned int nsegs;
	unsigned int dgram;
};

/* An IPv4 header with options and a TCP header with options. */
#define SHOAL_TSO_HLEN_MAX	(MAX_IPOPTLEN + sizeof(struct iphdr) + \
				 MAX_TCP_OPTION_SPACE + sizeof(struct tcphdr))

/*
 * Whether @skb is a TCP super-packet this code cuts (else it goes through
 * skb_gso_segment()), and if so its geometry in @t. What it leaves to the
 * GSO code: other protocols, tunnels, IPv6 extension headers, IPv4
 * fragments, timestamps requested on the send (tcp_gso_tstamp()), and
 * fan-out, which seals the same segments under several keys.
 */
static bool shoal_tso_init(struct sk_buff *skb, struct shoal_tso *t)
{
	const unsigned int tcp = SKB_GSO_TCPV4 | SKB_GSO_TCPV6;
	unsigned int type = skb_shinfo(skb)->gso_type;
	unsigned int thlen;

	if ((type & ~(tcp | SKB_GSO_TCP_ECN | SKB_GSO_TCP_FIXEDID |
		      SKB_GSO_DODGY)) ||
	    !(type & tcp) || skb->encapsulation ||
	    skb->ip_summed != CHECKSUM_PARTIAL ||
	    skb_network_offset(skb) ||
	    skb_checksum_start(skb) != skb_transport_header(skb) ||
	    (skb_shinfo(skb)->tx_flags & SKBTX_ANY_TSTAMP))
		return false;
	t->nhlen = skb_transport_offset(skb);
	if (!pskb_may_pull(skb, t->nhlen + sizeof(struct tcphdr)))
		return false;
	thlen = tcp_hdrlen(skb);
	if (thlen < sizeof(struct tcphdr) ||
	    !pskb_may_pull(skb, t->nhlen + thlen))
		return false;
	if (ip_hdr(skb)->version == 4) {
		if (!(type & SKB_GSO_TCPV4) || ip_hdr(skb)->ihl < 5 ||
		    ip_hdr(skb)->protocol != IPPROTO_TCP ||
		    ip_hdrlen(skb) != t->nhlen || ip_is_fragment(ip_hdr(skb)))
			return false;
		/* As inet_gso_segment(): one id for all only with DF. */
		if ((type & SKB_GSO_TCP_FIXEDID) &&
		    !(ip_hdr(skb)->frag_off & htons(IP_DF)))
			return false;
	} else if (!(type & SKB_GSO_TCPV6) ||
		   ipv6_hdr(skb)->nexthdr != IPPROTO_TCP ||
		   t->nhlen != sizeof(struct ipv6hdr)) {
		return false;
	}
	t->skb = skb;
	t->hlen = t->nhlen + thlen;
	t->mss = skb_shinfo(skb)->gso_size;
	t->len = skb->len - t->hlen;
	if (!t->mss || t->len <= t->mss)
		return false;
	t->nsegs = DIV_ROUND_UP(t->len, t->mss);
	t->dgram = SHOAL_HDR_LEN + t->hlen + t->mss + SHOAL_TAG_LEN;
	return true;
}

/*
 * Copies @len bytes of @skb from @from into @out at @off, whose bytes all
 * live in lowmem page frags (shoal_batch_alloc()), and sums them into
 * *@csum.
 */
static int shoal_batch_copy_csum(struct sk_buff *out, unsigned int off,
				 const struct sk_buff *skb, unsigned int from,
				 unsigned int len, __wsum *csum)
{
	unsigned int pos = skb_headlen(out), done = 0, i;

	*csum = 0;
	for (i = 0; done < len && i < skb_shinfo(out)->nr_frags; i++) {
		skb_frag_t *f = &skb_shinfo(out)->frags[i];
		unsigned int size = skb_frag_size(f), at, n;

		if (off + done < pos || off + done >= pos + size) {
			pos += size;
			continue;
		}
		at = off + done - pos;
		n = min(size - at, len - done);
		*csum = csum_block_add(*csum,
				       skb_copy_and_csum_bits(skb, from + done,
							      (u8 *)skb_frag_address(f) + at,
							      n),
				       done);
		done += n;
		pos += size;
	}
	return done == len ? 0 : -EFAULT;
}

/* Writes the plaintext of segment @i, @len payload bytes, into @out at @off. */
static int shoal_tso_segment(const struct shoal_tso *t, struct sk_buff *out,
			     unsigned int off, unsigned int i, unsigned int len)
{
	unsigned int thlen = t->hlen - t->nhlen;
	u8 buf[SHOAL_TSO_HLEN_MAX] __aligned(4);
	struct tcphdr *th;
	__wsum csum;
	int err;

	err = shoal_batch_copy_csum(out, off + t->hlen, t->skb,
				    t->hlen + i * t->mss, len, &csum);
	if (err)
		return err;
	memcpy(buf, t->skb->data, t->hlen);
	th = (struct tcphdr *)(buf + t->nhlen);
	th->seq = htonl(ntohl(th->seq) + i * t->mss);
	/* As tcp_gso_segment(): CWR on the first, FIN and PSH on the last. */
	if (i)
		th->cwr = 0;
	if (i != t->nsegs - 1) {
		th->fin = 0;
		th->psh = 0;
	}
	th->check = 0;
	/* The TCP header is 4-byte aligned: its sum adds to the payload's. */
	csum = csum_partial(th, thlen, csum);
	if ((buf[0] >> 4) == 4) {
		struct iphdr *iph = (struct iphdr *)buf;

		iph->tot_len = htons(t->hlen + len);
		if (!(skb_shinfo(t->skb)->gso_type & SKB_GSO_TCP_FIXEDID))
			iph->id = htons(ntohs(iph->id) + i);
		ip_send_check(iph);
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr,
					      thlen + len, IPPROTO_TCP, csum);
	} else {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)buf;

		ip6h->payload_len = htons(thlen + len);
		th->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
					    thlen + len, IPPROTO_TCP, csum);
	}
	return skb_store_bits(out, off, buf, t->hlen);
}

/*
 * Seals segments @first to @first + @count - 1 of @t into one new skb, as
 * shoal_batch_seal() seals a list of segments (and returning the same).
 */
static struct sk_buff *shoal_tso_seal(struct shoal_dev *sd,
				      struct shoal_peer *peer,
				      struct shoal_txkey *key,
				      const struct shoal_tso *t,
				      unsigned int first, unsigned int count,
				      unsigned int *n, unsigned int *bytes)
{
	unsigned int i, len, total, got, off = 0;
	struct sk_buff *out;
	u64 counter;

	*n = 0;
	*bytes = 0;
	/* Every datagram is full but the super-packet's last. */
	total = count * t->dgram;
	if (first + count == t->nsegs)
		total -= t->nsegs * t->mss - t->len;
	out = shoal_batch_alloc(sd, peer, key, t->skb, total, count, &counter,
				&got);
	if (IS_ERR(out))
		return out;
	for (i = first; i < first + got; i++) {
		len = min(t->mss, t->len - i * t->mss);
		if (shoal_tso_segment(t, out, off + SHOAL_HDR_LEN, i, len) ||
		    !shoal_batch_seal_one(sd, key, counter + i - first, out,
					  off, t->hlen + len))
			return shoal_batch_fail(sd, out, n);
		off += SHOAL_HDR_LEN + t->hlen + len + SHOAL_TAG_LEN;
		*bytes += t->hlen + len;
		(*n)++;
	}
	return shoal_batch_finish(out, *n, off, t->dgram);
}

/*
 * The segments of a TCP super-packet leave for @peer in as few outer GSO
 * skbs as their length allows, as shoal_send_batch() sends a list of them.
 * Consumes @t->skb.
 */
static void shoal_send_tso(struct shoal_peer *peer, struct shoal_txkey *key,
			   const struct shoal_tso *t)
{
	unsigned int per = max_t(unsigned int, SHOAL_BATCH_MAX / t->dgram, 1);
	unsigned int first, count, n, bytes;
	struct shoal_dev *sd = peer->sd;
	u8 tos = shoal_send_tos(t->skb);
	struct sk_buff *out;
	bool sent = false;

	for (first = 0; first < t->nsegs; first += count) {
		count = min(per, t->nsegs - first);
		out = shoal_tso_seal(sd, peer, key, t, first, count, &n, &bytes);
		sent |= shoal_batch_out(peer, NULL, out, t->skb, tos, count, n,
					bytes);
	}
	/* Dropped whole, it shows to drop monitors as a drop. */
	if (sent)
		consume_skb(t->skb);
	else
		kfree_skb(t->skb);
}

/*
 * A super-packet is cut into segments that keep pointing into its pages
 * (scatter-gather) instead of each getting a copy of its bytes: they are
 * only read, into the sealed skb of a batch, or copied by shoal_seal()
 * before it writes. Without checksum offload in these features, each
 * segment's checksum is computed as it is cut.
 */
#define SHOAL_SEGMENT_FEATURES	NETIF_F_SG

/* Whether segments can share one outer GSO skb: all as long but the last. */
static unsigned int shoal_batch_count(struct sk_buff *segs, unsigned int *mss)
{
	struct sk_buff *seg, *next;
	unsigned int n = 0;

	*mss = segs->len;
	skb_list_walk_safe(segs, seg, next) {
		if (seg->len > *mss || (next && seg->len != *mss))
			return 0;
		n++;
	}
	return n;
}

/**
 * struct shoal_fanout - one packet (or GSO super-packet) on its way to a group
 * @sd: the device
 * @g: the group
 * @segs: the plaintext, one packet or the segments of a super-packet;
 *	NULL once sealed in place as @out
 * @mss: length of every segment but the last
 * @nsegs: number of segments
 * @tos: outer TOS
 * @self: the device's sender id; a member with it is skipped
 * @out: the datagrams sealed under the device key, built once a second
 *	member without a pairwise key comes, or for the last one if it is
 *	the only one; copies of it go to every such member but the last,
 *	which gets @out itself
 * @pending: the member the device key's datagrams go to unless another
 *	one comes after it
 * @failed: @out could not be built
 * @n: datagrams in @out
 * @bytes: plaintext bytes in them
 */
struct shoal_fanout {
	struct shoal_dev *sd;
	struct shoal_group *g;
	struct sk_buff *segs;
	unsigned int mss;
	unsigned int nsegs;
	u8 tos;
	u32 self;
	struct sk_buff *out;
	struct shoal_peer *pending;
	bool failed;
	unsigned int n;
	unsigned int bytes;
};

static void shoal_fanout_sent(struct shoal_fanout *f, struct shoal_peer *peer,
			      unsigned int n)
{
	shoal_stats_add(peer->stats, SHOAL_STAT_TX_FANOUT_COPIES, n);
	shoal_stats_add(f->g->stats, SHOAL_STAT_TX_FANOUT_COPIES, n);
	shoal_stats_add(f->sd->stats, SHOAL_STAT_TX_FANOUT_COPIES, n);
}

/* A member with a pairwise key: its own encryption, for it alone. */
static void shoal_fanout_pairwise(struct shoal_fanout *f,
				  struct shoal_peer *peer,
				  struct shoal_txkey *key)
{
	unsigned int n, bytes;
	struct sk_buff *out;

	out = shoal_batch_seal(f->sd, peer, key, f->segs, f->mss, &n, &bytes);
	if (shoal_batch_out(peer, f->g, out, NULL, f->tos, f->nsegs, n, bytes))
		shoal_fanout_sent(f, peer, n);
}

/*
 * Sends the datagrams sealed under the device key to @peer: @skb is @f->out
 * or a copy of it. Consumes @skb.
 */
static void shoal_fanout_shared_out(struct shoal_fanout *f,
				    struct shoal_peer *peer,
				    struct sk_buff *skb)
{
	if (shoal_send_out(peer, f->g, skb, f->tos, f->bytes, f->n))
		shoal_fanout_sent(f, peer, f->n);
}

/*
 * Seals @f->segs under the device key into @f->out. For a member @alone,
 * the only one the device key's datagrams go to, a single packet is
 * sealed in place, as a unicast one is, and becomes @f->out itself;
 * otherwise they go into a new skb whose page frags copies can share.
 * False, counted once for the group, if that fails.
 */
static bool shoal_fanout_seal(struct shoal_fanout *f, bool alone)
{
	struct shoal_txkey *key = rcu_dereference_bh(f->sd->tx_active);
	int why = SHOAL_STAT_DROP_NO_KEY;

	if (key && alone && f->nsegs == 1) {
		f->n = 1;
		f->bytes = f->segs->len;
		why = shoal_seal_one(f->sd, NULL, key, f->segs);
		if (why)
			kfree_skb(f->segs);
		else
			f->out = f->segs;
		f->segs = NULL;
	} else if (key) {
		f->out = shoal_batch_seal(f->sd, NULL, key, f->segs, f->mss,
					  &f->n, &f->bytes);
		if (IS_ERR(f->out)) {
			why = shoal_batch_reason(f->out);
			f->out = NULL;
		} else if (!alone) {
			/*
			 * Copies will share these pages: a receiver on this
			 * host must not decrypt them in place.
			 */
			skb_shinfo(f->out)->flags |= SKBFL_SHARED_FRAG;
		}
	}
	if (!f->out) {
		shoal_send_count_drops(f->sd, NULL, f->g, why, f->nsegs);
		f->failed = true;
		f->pending = NULL;
		return false;
	}
	shoal_send_count_drops(f->sd, NULL, f->g, SHOAL_STAT_DROP_NO_KEY,
			       f->nsegs - f->n);
	shoal_send_encrypted(f->sd, NULL, f->g, f->n);
	return true;
}

/*
 * Any other member: the datagrams sealed once under the device key. The
 * first such member is only noted; the second has them sealed into
 * @f->out, and from then on the member before gets a copy, whose head is
 * its own, for the outer headers, while the ciphertext in the page frags
 * is shared. The last one gets the original (shoal_fanout_segs()).
 */
static void shoal_fanout_shared(struct shoal_fanout *f,
				struct shoal_peer *peer)
{
	struct shoal_peer *prev = f->pending;
	struct sk_buff *copy;

	if (f->failed)
		return;
	f->pending = peer;
	if (!prev || (!f->out && !shoal_fanout_seal(f, false)))
		return;
	copy = pskb_copy(f->out, GFP_ATOMIC);
	if (!copy) {
		shoal_send_count_drops(f->sd, prev, f->g,
				       SHOAL_STAT_DROP_TX_ERROR, f->n);
		return;
	}
	shoal_fanout_shared_out(f, prev, copy);
}

static void shoal_fanout_member(struct shoal_fanout *f,
				struct shoal_peer *peer)
{
	struct shoal_txkey *key;

	/* A host listed in its own group does not send to itself. */
	if (peer->sender_id == f->self)
		return;
	if (unlikely(!shoal_send_has_ep(peer))) {
		shoal_send_count_drops(f->sd, peer, f->g,
				       SHOAL_STAT_DROP_TX_ERROR, f->nsegs);
		return;
	}
	key = rcu_dereference_bh(peer->txkey);
	if (key)
		shoal_fanout_pairwise(f, peer, key);
	else
		shoal_fanout_shared(f, peer);
}

/*
 * Sends @segs to every member of @f->g, encrypting them once (plus once
 * per member with a pairwise key). A member that fails is counted on
 * itself and does not hold up the others. Consumes @segs.
 */
static void shoal_fanout_segs(struct shoal_fanout *f, struct sk_buff *segs,
			      unsigned int mss, unsigned int nsegs)
{
	struct shoal_group *g = f->g;
	struct shoal_members *m;
	struct shoal_peer *peer;
	u32 i;

	f->segs = segs;
	f->mss = mss;
	f->nsegs = nsegs;
	f->tos = shoal_send_tos(segs);
	f->out = NULL;
	f->pending = NULL;
	f->failed = false;
	shoal_stats_add(g->stats, SHOAL_STAT_TX_FANOUT_PACKETS, nsegs);
	shoal_stats_add(f->sd->stats, SHOAL_STAT_TX_FANOUT_PACKETS, nsegs);
	if (g->all_peers) {
		list_for_each_entry_rcu(peer, &f->sd->peers, node)
			shoal_fanout_member(f, peer);
	} else {
		m = rcu_dereference_bh(g->members);
		for (i = 0; m && i < m->n; i++) {
			peer = rcu_dereference_bh(m->m[i].peer);
			if (peer)
				shoal_fanout_member(f, peer);
		}
	}
	/* The last member; sealed for it alone if it is the only one. */
	if (f->pending && (f->out || shoal_fanout_seal(f, true)))
		shoal_fanout_shared_out(f, f->pending, f->out);
	/* The plaintext, unless it was sealed in place. */
	shoal_send_consume(f->segs);
}

/* An inner packet whose destination matches a group. Consumes it. */
static void shoal_fanout(struct shoal_dev *sd, struct shoal_group *g,
			 struct sk_buff *skb)
{
	struct shoal_fanout f = {
		.sd = sd,
		.g = g,
		.self = READ_ONCE(sd->sender_id),
	};
	struct sk_buff *segs, *seg, *next;
	unsigned int n, mss;

	if (unlikely(shoal_send_too_big(skb, READ_ONCE(sd->dev->mtu)))) {
		shoal_send_count_drops(sd, NULL, g, SHOAL_STAT_DROP_TOO_BIG, 1);
		kfree_skb(skb);
		return;
	}
	if (!skb_is_gso(skb)) {
		skb_mark_not_on_list(skb);
		shoal_fanout_segs(&f, skb, skb->len, 1);
		return;
	}
	segs = skb_gso_segment(skb, SHOAL_SEGMENT_FEATURES);
	if (IS_ERR_OR_NULL(segs)) {
		shoal_send_count_drops(sd, NULL, g, SHOAL_STAT_DROP_TX_ERROR, 1);
		kfree_skb(skb);
		return;
	}
	consume_skb(skb);
	if (shoal_batch_count(segs, &mss)) {
		while (segs) {
			seg = shoal_batch_take(&segs, &n);
			shoal_fanout_segs(&f, seg, mss, n);
		}
		return;
	}
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		shoal_fanout_segs(&f, seg, seg->len, 1);
	}
}

/**
 * shoal_xmit - ndo_start_xmit of a shoal device
 * @skb: an inner IPv4 or IPv6 packet, possibly a GSO super-packet
 * @dev: the device
 *
 * A destination that matches a group fans out to its members; any other
 * goes to the peer its address routes to.
 *
 * Return: NETDEV_TX_OK; the skb is always consumed.
 */
netdev_tx_t shoal_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct shoal_dev *sd = netdev_priv(dev);
	struct sk_buff *segs, *seg, *next;
	struct shoal_peer *peer = NULL;
	struct shoal_txkey *key;
	struct shoal_group *g;
	struct shoal_tso tso;
	unsigned int mss, mtu;
	const void *daddr;
	u8 family;

	rcu_read_lock_bh();
	daddr = shoal_send_daddr(skb, &family);
	if (likely(daddr)) {
		g = shoal_group_match(sd, family, daddr);
		if (g) {
			shoal_fanout(sd, g, skb);
			goto out;
		}
		peer = shoal_aip_lookup(&sd->aips, family, daddr);
	}
	if (unlikely(!peer)) {
		shoal_send_unreachable(skb);
		shoal_dev_drop(sd, NULL, SHOAL_STAT_DROP_NO_ROUTE, false);
		kfree_skb(skb);
		goto out;
	}
	mtu = READ_ONCE(dev->mtu);
	if (unlikely(shoal_send_too_big(skb, mtu) ||
		     shoal_send_path_too_big(peer, skb, mtu))) {
		shoal_send_drop(peer, skb, SHOAL_STAT_DROP_TOO_BIG);
		goto out;
	}
	key = shoal_send_key(sd, peer);
	if (unlikely(!key)) {
		shoal_send_drop(peer, skb, SHOAL_STAT_DROP_NO_KEY);
		goto out;
	}
	if (unlikely(!shoal_send_has_ep(peer))) {
		shoal_send_drop(peer, skb, SHOAL_STAT_DROP_TX_ERROR);
		goto out;
	}

	if (!skb_is_gso(skb)) {
		skb_mark_not_on_list(skb);
		shoal_send_one(peer, key, skb);
		goto out;
	}
	if (shoal_tso_init(skb, &tso)) {
		shoal_send_tso(peer, key, &tso);
		goto out;
	}
	/*
	 * Segments are encrypted one by one, with consecutive counters, and
	 * leave as one outer GSO packet when they have equal sizes.
	 */
	segs = skb_gso_segment(skb, SHOAL_SEGMENT_FEATURES);
	if (IS_ERR_OR_NULL(segs)) {
		shoal_send_drop(peer, skb, SHOAL_STAT_DROP_TX_ERROR);
		goto out;
	}
	consume_skb(skb);
	if (shoal_batch_count(segs, &mss) > 1) {
		shoal_send_batch(peer, key, segs, mss);
		goto out;
	}
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		shoal_send_one(peer, key, seg);
	}
out:
	rcu_read_unlock_bh();
	return NETDEV_TX_OK;
}

/**
 * shoal_send_keepalive - send an empty datagram to a peer
 * @peer: the peer
 *
 * From the keepalive timer (softirq).
 */
void shoal_send_keepalive(struct shoal_peer *peer)
{
	struct shoal_dev *sd = peer->sd;
	struct shoal_txkey *key;
	struct sk_buff *skb;

	/* Nowhere to keep a path open to yet. */
	if (!shoal_send_has_ep(peer))
		return;
	skb = alloc_skb(sd->dev->needed_headroom + SHOAL_TAG_LEN, GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, sd->dev->needed_headroom);
	skb->dev = sd->dev;
	rcu_read_lock_bh();
	key = shoal_send_key(sd, peer);
	if (key)
		shoal_send_one(peer, key, skb);
	else
		shoal_send_drop(peer, skb, SHOAL_STAT_DROP_NO_KEY);
	rcu_read_unlock_bh();
}
