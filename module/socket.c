// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The shoal authors.
 *
 * The UDP sockets of a device: one IPv4 and one IPv6 socket bound to the
 * same port in the netns the device was created in, which is not
 * necessarily the netns the device lives in now.
 */

#include <linux/ipv6.h>
#include <net/udp_tunnel.h>

#include "device.h"
#include "receive.h"
#include "socket.h"

/* Without IPv6 (ipv6.disable=1) a device simply has no IPv6 socket. */
static bool shoal_socket_want_v6(void)
{
	return IS_ENABLED(CONFIG_IPV6) && ipv6_mod_enabled();
}

static int shoal_socket_open(struct shoal_dev *sd, struct net *net,
			     sa_family_t family, u16 port, struct sock **skp)
{
	struct udp_tunnel_sock_cfg tunnel = {
		/* Receiving starts once the device is ready for it. */
		.sk_user_data = sd->dev->reg_state == NETREG_REGISTERED ?
				sd : NULL,
		.encap_type = 1,
		.encap_rcv = shoal_receive,
	};
	/* A zeroed local address is INADDR_ANY and in6addr_any alike. */
	struct udp_port_cfg cfg = {
		.family = family,
		.local_udp_port = htons(port),
		.use_udp_checksums = true,
		.use_udp6_tx_checksums = true,
		.use_udp6_rx_checksums = true,
		.ipv6_v6only = family == AF_INET6,
	};
	struct socket *sock;
	int err;

	err = udp_sock_create(net, &cfg, &sock);
	if (err)
		return err;
	setup_udp_tunnel_sock(net, sock, &tunnel);
	/*
	 * setup_udp_tunnel_sock() asks for the outer checksums converted to
	 * CHECKSUM_COMPLETE, for tunnels that check the inner ones against
	 * it. shoal checks none (the AEAD covers every inner byte), and with
	 * the conversion on, UDP's split of an outer GSO batch computes every
	 * datagram's checksum in software (udp_rcv_segment()): a pass over
	 * each payload for nothing. The outer checksum of a datagram that
	 * arrives with none verified is checked all the same.
	 */
	inet_dec_convert_csum(sock->sk);
	/*
	 * Outer UDP GRO: a burst of datagrams from one peer is merged by the
	 * underlay's GRO and climbs the IP stack once; the UDP layer splits
	 * it again before encap_rcv.
	 */
	udp_set_bit(GRO_ENABLED, sock->sk);
	*skp = sock->sk;
	return 0;
}

/*
 * Close a socket no receiver can reach the device through any more: its
 * user data was cleared a grace period ago, or never pointed at a device
 * that goes away. udp_tunnel_sock_release() waits for a grace period of
 * its own for each socket: deleting a netns of 1024 devices took 35 s.
 */
static void shoal_socket_free(struct sock *sk)
{
	if (!sk)
		return;
	kernel_sock_shutdown(sk->sk_socket, SHUT_RDWR);
	sock_release(sk->sk_socket);
}

static void shoal_socket_replace(struct shoal_dev *sd, struct sock *sk4,
				 struct sock *sk6, u16 port)
{
	bool had = shoal_socket_retire(sd);

	rcu_assign_pointer(sd->sock4, sk4);
	rcu_assign_pointer(sd->sock6, sk6);
	sd->port = port;
	if (!had)
		return;
	/* Senders and receivers must be done with the old sockets. */
	synchronize_net();
	shoal_socket_release_retired(sd);
}

/**
 * shoal_socket_bind - (re)bind the device's sockets to a UDP port
 * @sd: the device
 * @port: port in host order; 0 picks a port free for both IPv4 and IPv6
 * @extack: where to explain a failure
 *
 * The new sockets replace the old ones only once both are bound, so a
 * failure leaves the device as it was. Called under RTNL.
 *
 * Return: 0 or a negative errno (-EADDRINUSE if the port is taken).
 */
int shoal_socket_bind(struct shoal_dev *sd, u16 port,
		      struct netlink_ext_ack *extack)
{
	unsigned int tries = port ? 1 : 100;
	struct sock *sk4, *sk6 = NULL;
	u16 bound;
	int err;

	ASSERT_RTNL();
	if (!sd->creating_net) {
		NL_SET_ERR_MSG(extack,
			       "The netns this device was created in is gone");
		return -ENETUNREACH;
	}
	if (port && port == sd->port)
		return 0;

	/*
	 * A port the kernel picked for IPv4 may be taken for IPv6; pick
	 * again rather than fail.
	 */
	do {
		err = shoal_socket_open(sd, sd->creating_net, AF_INET, port,
					&sk4);
		if (err)
			break;
		bound = ntohs(inet_sk(sk4)->inet_sport);
		if (!shoal_socket_want_v6())
			break;
		err = shoal_socket_open(sd, sd->creating_net, AF_INET6, bound,
					&sk6);
		if (!err)
			break;
		shoal_socket_free(sk4);
	} while (err == -EADDRINUSE && --tries);

	if (err == -EADDRINUSE) {
		NL_SET_ERR_MSG(extack, "UDP port is already in use");
		return err;
	}
	if (err) {
		NL_SET_ERR_MSG(extack, "Cannot create the UDP sockets");
		return err;
	}
	shoal_socket_replace(sd, sk4, sk6, bound);
	return 0;
}

/**
 * shoal_socket_close - close the device's sockets
 * @sd: the device
 *
 * Waits until no sender or receiver can still be using them. Called under
 * RTNL.
 */
void shoal_socket_close(struct shoal_dev *sd)
{
	ASSERT_RTNL();
	shoal_socket_replace(sd, NULL, NULL, 0);
}

/**
 * shoal_socket_retire - take the device's sockets out of use
 * @sd: the device
 *
 * They no longer lead to the device; senders and receivers that picked
 * them up may still use them until a grace period has passed, after which
 * shoal_socket_release_retired() closes them. Closing the sockets of many
 * devices so costs one grace period, not three per device. Called under
 * RTNL.
 *
 * Return: whether the device had sockets.
 */
bool shoal_socket_retire(struct shoal_dev *sd)
{
	struct sock *sk4 = rtnl_dereference(sd->sock4);
	struct sock *sk6 = rtnl_dereference(sd->sock6);

	WARN_ON_ONCE(sd->retired[0] || sd->retired[1]);
	RCU_INIT_POINTER(sd->sock4, NULL);
	RCU_INIT_POINTER(sd->sock6, NULL);
	sd->port = 0;
	if (sk4)
		rcu_assign_sk_user_data(sk4, NULL);
	if (sk6)
		rcu_assign_sk_user_data(sk6, NULL);
	sd->retired[0] = sk4;
	sd->retired[1] = sk6;
	return sk4 || sk6;
}

/**
 * shoal_socket_release_retired - close the sockets shoal_socket_retire() took
 * @sd: the device
 *
 * The caller has waited for a grace period since they were retired
 * (synchronize_net(), or the one unregister_netdevice_many() makes
 * before ndo_uninit). Called under RTNL.
 */
void shoal_socket_release_retired(struct shoal_dev *sd)
{
	ASSERT_RTNL();
	shoal_socket_free(sd->retired[0]);
	shoal_socket_free(sd->retired[1]);
	sd->retired[0] = NULL;
	sd->retired[1] = NULL;
}

/**
 * shoal_socket_attach - start delivering datagrams to a new device
 * @sd: the device, just registered
 *
 * Its sockets were bound before registration, to fail early on a taken
 * port, but must not reach the device before it is initialised.
 */
void shoal_socket_attach(struct shoal_dev *sd)
{
	struct sock *sk;

	sk = rtnl_dereference(sd->sock4);
	if (sk)
		rcu_assign_sk_user_data(sk, sd);
	sk = rtnl_dereference(sd->sock6);
	if (sk)
		rcu_assign_sk_user_data(sk, sd);
}
