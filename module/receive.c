// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * Receive, in the UDP socket's encap_rcv (softirq): parse the header,
 * find the sender and its key, check the replay window, decrypt in place,
 * check the inner source against the sender's prefixes, follow the sender
 * to its new address, and hand the packet to GRO. Every datagram that is
 * not delivered is counted under one drop reason.
 */

#include <linux/err.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/percpu.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>

#include "device.h"
#include "keys.h"
#include "peer.h"
#include "receive.h"
#include "replay.h"

/* The outer facts needed after decryption, taken before it. */
struct shoal_outer {
	union shoal_endpoint src;
	u8 tos;
};

static void shoal_outer_get(struct sk_buff *skb, struct shoal_outer *o)
{
	memset(&o->src, 0, sizeof(o->src));
	if (ip_hdr(skb)->version == 4) {
		o->src.addr4.sin_family = AF_INET;
		o->src.addr4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		o->src.addr4.sin_port = udp_hdr(skb)->source;
		o->tos = ip_hdr(skb)->tos;
	} else {
		o->src.addr6.sin6_family = AF_INET6;
		o->src.addr6.sin6_addr = ipv6_hdr(skb)->saddr;
		o->src.addr6.sin6_port = udp_hdr(skb)->source;
		if (ipv6_addr_type(&o->src.addr6.sin6_addr) &
		    IPV6_ADDR_LINKLOCAL)
			o->src.addr6.sin6_scope_id = inet6_iif(skb);
		o->tos = ipv6_get_dsfield(ipv6_hdr(skb));
	}
}

static bool shoal_endpoint_equal(const union shoal_endpoint *a,
				 const union shoal_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr &&
		       a->addr4.sin_port == b->addr4.sin_port;
	return ipv6_addr_equal(&a->addr6.sin6_addr, &b->addr6.sin6_addr) &&
	       a->addr6.sin6_port == b->addr6.sin6_port &&
	       a->addr6.sin6_scope_id == b->addr6.sin6_scope_id;
}

/* Whether @src is @ep, where the peer's datagrams last came from. */
static bool shoal_receive_from_ep(const struct shoal_peer_ep *ep,
				  const union shoal_endpoint *src)
{
	return ep && shoal_endpoint_equal(&ep->addr, src);
}

/* Roaming moves a peer at most this often, in jiffies. */
#define SHOAL_ROAM_INTERVAL	(HZ / 10)

/*
 * Roaming: the endpoint follows the authenticated source of the peer.
 * Without memory for the new endpoint, the peer keeps the old one until
 * its next datagram.
 *
 * A source that keeps changing (a peer on two paths at once, or an
 * on-path attacker racing copies of authentic datagrams from elsewhere
 * ahead of the originals) would cost an allocation per datagram; it moves
 * the peer at most once per SHOAL_ROAM_INTERVAL instead, by the first
 * datagram after it.
 */
static void shoal_receive_roam(struct shoal_peer *peer,
			       const union shoal_endpoint *src)
{
	struct shoal_peer_ep *ep = rcu_dereference(peer->ep);
	unsigned long now = jiffies;

	if (likely(shoal_receive_from_ep(ep, src)))
		return;
	if (ep && now - READ_ONCE(peer->roamed) < SHOAL_ROAM_INTERVAL)
		return;
	ep = shoal_peer_ep_new(src, GFP_ATOMIC);
	if (!ep)
		return;
	WRITE_ONCE(peer->roamed, now);
	shoal_peer_set_ep(peer, ep);
}

/*
 * What shoal_open() returned, as a drop reason: a forgery, or no memory to
 * decrypt in place; SHOAL_STAT_COUNT if it opened.
 */
static enum shoal_stat shoal_open_reason(int err)
{
	if (err == -EBADMSG)
		return SHOAL_STAT_DROP_AUTH;
	return err ? SHOAL_STAT_NOMEM : SHOAL_STAT_COUNT;
}

/* The key of an epoch being tried, per CPU: receive runs in softirq. */
static DEFINE_PER_CPU(union shoal_aead_key, shoal_trial_key);

/*
 * Finds the receive state of the datagram's epoch, deriving and trying a
 * newer epoch when that is what it carries. On success *@e is set and,
 * for a new epoch, the skb is already decrypted (*@opened).
 */
static enum shoal_stat shoal_receive_epoch(struct shoal_dev *sd,
					   struct shoal_peer *peer,
					   struct shoal_rxkey *k,
					   const struct shoal_hdr *hdr,
					   const struct shoal_outer *outer,
					   struct sk_buff *skb,
					   struct shoal_rx_epoch **e,
					   bool *opened)
{
	u64 epoch = be64_to_cpu(hdr->epoch);
	struct shoal_rx_epoch *cur, *prev;
	union shoal_aead_key *trial;
	int err;

	*opened = false;
	cur = rcu_dereference(k->cur);
	if (likely(cur && cur->epoch == epoch)) {
		*e = cur;
		return SHOAL_STAT_COUNT;
	}
	prev = rcu_dereference(k->prev);
	if (prev && prev->epoch == epoch) {
		*e = prev;
		return SHOAL_STAT_COUNT;
	}
	if (cur && epoch < cur->epoch)
		return SHOAL_STAT_DROP_EPOCH;
	/*
	 * The first epoch seen of a key (after this host restarted, say) must
	 * be recent, or datagrams captured long ago could be replayed.
	 */
	if (!cur && (s64)(epoch >> 32) <
		    ktime_get_real_seconds() - READ_ONCE(sd->epoch_max_age))
		return SHOAL_STAT_DROP_EPOCH;
	if (!shoal_rxkey_derive_allowed(k,
					shoal_receive_from_ep(rcu_dereference(peer->ep),
							      &outer->src)))
		return SHOAL_STAT_DROP_EPOCH;

	/* Nothing is allocated for an epoch until a datagram proves it. */
	trial = this_cpu_ptr(&shoal_trial_key);
	shoal_rxkey_derive(k, be32_to_cpu(hdr->sender_id), epoch, trial);
	err = shoal_open(skb, hdr, k->cipher, trial);
	if (!err)
		*e = shoal_rxkey_install(k, epoch, trial,
					 READ_ONCE(sd->replay_window));
	memzero_explicit(trial, shoal_aead_key_size(k->cipher));
	/*
	 * No epoch keeps the trial key that the AES-NI transforms may hold:
	 * the trial failed, or its epoch could not be allocated, or lost to a
	 * newer one another CPU installed meanwhile.
	 */
	if ((err || IS_ERR_OR_NULL(*e)) &&
	    k->cipher == SHOAL_CIPHER_AES_256_GCM)
		shoal_aead_forget();
	if (err)
		return shoal_open_reason(err);
	if (IS_ERR(*e))
		return SHOAL_STAT_NOMEM;
	if (!*e)
		return SHOAL_STAT_DROP_EPOCH;
	*opened = true;
	return SHOAL_STAT_COUNT;
}

/*
 * Whether INET_ECN_decapsulate() writes the inner header: an outer CE
 * over ECT(0) or ECT(1), or an outer ECT(1) over ECT(0).
 */
static bool shoal_ecn_writes(u8 outer, u8 inner)
{
	outer &= INET_ECN_MASK;
	inner &= INET_ECN_MASK;
	if (outer == INET_ECN_CE)
		return inner == INET_ECN_ECT_0 || inner == INET_ECN_ECT_1;
	return outer == INET_ECN_ECT_1 && inner == INET_ECN_ECT_0;
}

/*
 * Checks the decrypted inner packet, and applies the outer ECN to it (RFC
 * 6040); sets skb->protocol.
 *
 * The inner header is read where it lies, not pulled: when the datagram's
 * data is in page frags (as when UDP cuts an outer GSO batch), the skb
 * reaches GRO with nothing in its head, and GRO reads the inner IP and TCP
 * headers straight from the first frag instead of pulling them too. Only
 * an ECN field to be written pulls the header first.
 */
static enum shoal_stat shoal_receive_inner(struct shoal_dev *sd,
					   struct shoal_peer *peer,
					   struct sk_buff *skb,
					   const struct shoal_outer *outer)
{
	union {
		struct iphdr v4;
		struct ipv6hdr v6;
	} buf;
	unsigned int hlen = min_t(unsigned int, skb->len, sizeof(buf));
	const struct ipv6hdr *ip6;
	const struct iphdr *ip4;
	unsigned int len, nhlen, thoff;
	struct shoal_peer *owner;
	const u8 *h;
	u8 tos;

	h = skb_header_pointer(skb, 0, hlen, &buf);
	if (!h || !hlen)
		return SHOAL_STAT_DROP_MALFORMED;
	skb_reset_network_header(skb);
	switch (h[0] >> 4) {
	case 4:
		ip4 = (const struct iphdr *)h;
		nhlen = sizeof(*ip4);
		if (hlen < nhlen)
			return SHOAL_STAT_DROP_MALFORMED;
		len = ntohs(ip4->tot_len);
		if (ip4->ihl < 5 || ip4->ihl * 4 > len || len != skb->len)
			return SHOAL_STAT_DROP_MALFORMED;
		skb->protocol = htons(ETH_P_IP);
		thoff = ip4->ihl * 4;
		owner = shoal_aip_lookup(&sd->aips, AF_INET, &ip4->saddr);
		tos = ip4->tos;
		break;
	case 6:
		ip6 = (const struct ipv6hdr *)h;
		nhlen = sizeof(*ip6);
		if (hlen < nhlen)
			return SHOAL_STAT_DROP_MALFORMED;
		len = ntohs(ip6->payload_len) + sizeof(*ip6);
		if (len != skb->len)
			return SHOAL_STAT_DROP_MALFORMED;
		skb->protocol = htons(ETH_P_IPV6);
		thoff = nhlen;
		owner = shoal_aip_lookup(&sd->aips, AF_INET6, &ip6->saddr);
		tos = ipv6_get_dsfield(ip6);
		break;
	default:
		return SHOAL_STAT_DROP_MALFORMED;
	}
	if (owner != peer)
		return SHOAL_STAT_DROP_SOURCE;
	/*
	 * The transport header, where IP's input puts it (for IPv6, right
	 * after the fixed header), without dissecting the packet.
	 */
	skb_set_transport_header(skb, thoff);
	if (shoal_ecn_writes(outer->tos, tos) && !pskb_may_pull(skb, nhlen))
		return SHOAL_STAT_NOMEM;
	/* An outer CE over an inner packet that is not ECN-capable. */
	if (INET_ECN_decapsulate(skb, outer->tos, tos) > 1)
		return SHOAL_STAT_DROP_MALFORMED;
	return SHOAL_STAT_COUNT;
}

static void shoal_receive_deliver(struct shoal_dev *sd,
				  struct shoal_peer *peer,
				  struct sk_buff *skb, struct sock *sk)
{
	struct net_device *dev = sd->dev;
	unsigned int len = skb->len;

	skb_scrub_packet(skb, !net_eq(sock_net(sk), dev_net(dev)));
	/*
	 * The hash is the outer datagram's: the segments of an outer GSO
	 * batch and a datagram sent alone would hash apart, and GRO, which
	 * buckets by hash, would hold one inner flow twice and deliver it out
	 * of order. The inner packet's flow is hashed anew.
	 */
	skb_clear_hash(skb);
	skb->encapsulation = 0;
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	skb_reset_mac_header(skb);
	/* The AEAD covered every byte: the inner checksums need no check. */
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = ~0;
	/*
	 * A device that is down or a full GRO cell drops it and counts it in
	 * the device's rx_dropped, as any device's receive does: it is not
	 * received.
	 */
	if (gro_cells_receive(&sd->gro_cells, skb) != NET_RX_SUCCESS)
		return;
	shoal_stats_add2(peer->stats, SHOAL_STAT_RX_PACKETS, 1,
			 SHOAL_STAT_RX_BYTES, len);
	shoal_stats_add2(sd->stats, SHOAL_STAT_RX_PACKETS, 1,
			 SHOAL_STAT_RX_BYTES, len);
	dev_sw_netstats_rx_add(dev, len);
}

/**
 * shoal_receive - encap_rcv of a device's UDP sockets
 * @sk: the socket
 * @skb: a datagram, skb->data at its UDP header
 *
 * Return: 0; the skb is always consumed.
 */
int shoal_receive(struct sock *sk, struct sk_buff *skb)
{
	struct shoal_stats __percpu *pstats = NULL;
	struct shoal_peer *peer = NULL;
	struct shoal_outer outer;
	struct shoal_rx_epoch *e;
	enum shoal_stat reason;
	struct shoal_rxkey *k;
	struct shoal_dev *sd;
	struct shoal_hdr hdr;
	bool opened;
	u64 counter;

	sd = rcu_dereference_sk_user_data(sk);
	if (unlikely(!sd)) {
		kfree_skb(skb);
		return 0;
	}
	reason = SHOAL_STAT_DROP_MALFORMED;
	/* UDP trimmed the skb to its datagram; a keepalive is the shortest. */
	if (skb->len < sizeof(struct udphdr) + SHOAL_HDR_LEN + SHOAL_TAG_LEN)
		goto drop;
	reason = SHOAL_STAT_NOMEM;
	if (!pskb_may_pull(skb, sizeof(struct udphdr) + SHOAL_HDR_LEN))
		goto drop;
	memcpy(&hdr, udp_hdr(skb) + 1, SHOAL_HDR_LEN);
	reason = SHOAL_STAT_DROP_MALFORMED;
	if (hdr.type != SHOAL_TYPE_VERSION || hdr.flags || hdr.reserved ||
	    !hdr.sender_id)
		goto drop;

	/*
	 * Our own datagrams coming back (a group listing this host, a
	 * reflecting underlay) are never taken in, even if a configuration
	 * shared by every host lists this one as a peer.
	 */
	reason = SHOAL_STAT_DROP_UNKNOWN_SENDER;
	if (be32_to_cpu(hdr.sender_id) == READ_ONCE(sd->sender_id))
		goto drop;
	peer = shoal_peer_lookup_rcu(sd, be32_to_cpu(hdr.sender_id));
	if (!peer)
		goto drop;
	pstats = peer->stats;
	reason = SHOAL_STAT_DROP_NO_KEY;
	k = shoal_peer_rxkey(peer, hdr.key_id);
	if (!k)
		goto drop;
	/* Anyone holding this sender's shared key could have made it. */
	reason = SHOAL_STAT_DROP_NOT_PAIRWISE;
	if (unlikely(READ_ONCE(peer->pairwise_only) &&
		     !READ_ONCE(k->pairwise)))
		goto drop;

	shoal_outer_get(skb, &outer);
	__skb_pull(skb, sizeof(struct udphdr) + SHOAL_HDR_LEN);
	reason = shoal_receive_epoch(sd, peer, k, &hdr, &outer, skb, &e,
				     &opened);
	if (reason != SHOAL_STAT_COUNT)
		goto drop;
	counter = be64_to_cpu(hdr.counter);
	reason = SHOAL_STAT_DROP_REPLAY;
	if (!opened && !shoal_replay_precheck(e->replay, counter))
		goto drop;
	if (!opened) {
		reason = shoal_open_reason(shoal_open(skb, &hdr, k->cipher,
						      &e->key));
		if (reason != SHOAL_STAT_COUNT)
			goto drop;
	}
	reason = SHOAL_STAT_DROP_REPLAY;
	if (!shoal_replay_update(e->replay, counter))
		goto drop;

	if (!skb->len) {
		/* A keepalive: authentic, so it counts as a sign of life. */
		shoal_receive_roam(peer, &outer.src);
		shoal_peer_stamp(&peer->last_rx);
		shoal_stats_inc(pstats, SHOAL_STAT_RX_KEEPALIVES);
		shoal_stats_inc(sd->stats, SHOAL_STAT_RX_KEEPALIVES);
		consume_skb(skb);
		return 0;
	}
	reason = shoal_receive_inner(sd, peer, skb, &outer);
	if (reason != SHOAL_STAT_COUNT)
		goto drop;
	shoal_receive_roam(peer, &outer.src);
	shoal_peer_stamp(&peer->last_rx);
	shoal_receive_deliver(sd, peer, skb, sk);
	return 0;

drop:
	net_dbg_ratelimited("%s: datagram dropped (%d)\n", sd->dev->name,
			    reason);
	shoal_dev_drop(sd, pstats, reason, true);
	kfree_skb(skb);
	return 0;
}
