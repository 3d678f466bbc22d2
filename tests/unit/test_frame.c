// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the frame helpers in <ndiv/frame.h>. */
#include <ndiv/frame.h>

#include "ktap.h"
#include "pkt.h"

static struct test_pkt t;

static void push_within_headroom(void)
{
	pkt_frame(&t, 100);
	KTAP_EXPECT(ndiv_frame_push(&t.f, PKT_HEADROOM) == t.buf);
	KTAP_EXPECT(t.f.len == 100 + PKT_HEADROOM && t.f.headroom == 0);
	KTAP_EXPECT(ndiv_frame_room(&t.f) == PKT_BUF);
}

static void push_beyond_headroom_fails(void)
{
	pkt_frame(&t, 100);
	KTAP_EXPECT(!ndiv_frame_push(&t.f, PKT_HEADROOM + 1));
	KTAP_EXPECT(t.f.len == 100 && t.f.data == t.buf + PKT_HEADROOM);
}

static void pull_and_trim_bounds(void)
{
	pkt_frame(&t, 100);
	KTAP_EXPECT(!ndiv_frame_pull(&t.f, 101));
	KTAP_EXPECT(ndiv_frame_pull(&t.f, 100) == t.buf + PKT_HEADROOM + 100);
	KTAP_EXPECT(t.f.len == 0);
	pkt_frame(&t, 100);
	ndiv_frame_trim(&t.f, 200);
	KTAP_EXPECT(t.f.len == 100);
	ndiv_frame_trim(&t.f, 10);
	KTAP_EXPECT(t.f.len == 10 && ndiv_frame_room(&t.f) == PKT_BUF);
}

static void put_within_tailroom(void)
{
	uint32_t room;

	pkt_frame(&t, 100);
	room = t.f.tailroom;
	KTAP_EXPECT(ndiv_frame_put(&t.f, room) == t.buf + PKT_HEADROOM + 100);
	KTAP_EXPECT(!ndiv_frame_put(&t.f, 1));
	KTAP_EXPECT(t.f.len == 100 + room && t.f.tailroom == 0);
}

static void intact_after_helpers(void)
{
	pkt_frame(&t, 100);
	ndiv_frame_push(&t.f, 10);
	ndiv_frame_put(&t.f, 20);
	ndiv_frame_pull(&t.f, 50);
	ndiv_frame_trim(&t.f, 5);
	KTAP_EXPECT(ndiv_frame_intact(&t.f, t.buf, PKT_BUF));
}

static void broken_geometry_detected(void)
{
	pkt_frame(&t, 100);
	t.f.len += 1;			/* grown without the helpers */
	KTAP_EXPECT(!ndiv_frame_intact(&t.f, t.buf, PKT_BUF));
	pkt_frame(&t, 100);
	t.f.data += 1;			/* moved without the helpers */
	KTAP_EXPECT(!ndiv_frame_intact(&t.f, t.buf, PKT_BUF));
	/* terms that wrap to the same sum must not pass */
	pkt_frame(&t, 100);
	t.f.len = 0x80000000u;
	t.f.tailroom = (uint32_t)(PKT_BUF - PKT_HEADROOM) - 0x80000000u;
	KTAP_EXPECT(ndiv_frame_room(&t.f) == PKT_BUF);
	KTAP_EXPECT(!ndiv_frame_intact(&t.f, t.buf, PKT_BUF));
}

static void vlan_restore_inserts_tag(void)
{
	uint8_t *p;
	int i;

	pkt_frame(&t, 60);
	p = t.f.data;
	for (i = 0; i < 60; i++)
		p[i] = i;
	KTAP_EXPECT(ndiv_frame_vlan_restore(&t.f) == 0);
	KTAP_EXPECT(t.f.len == 60 && t.f.data == p);	/* no tag: no-op */
	t.f.flags = NDIV_F_VLAN_STRIPPED;
	t.f.vlan_tci = 0x6064;				/* PCP 3, VID 100 */
	KTAP_EXPECT(ndiv_frame_vlan_restore(&t.f) == 0);
	KTAP_EXPECT(t.f.len == 64 && t.f.data == p - 4 && !t.f.flags);
	for (i = 0; i < 12; i++)
		KTAP_EXPECT(t.f.data[i] == i);
	KTAP_EXPECT(t.f.data[12] == 0x81 && t.f.data[13] == 0x00 &&
		    t.f.data[14] == 0x60 && t.f.data[15] == 0x64);
	KTAP_EXPECT(t.f.data[16] == 12 && t.f.data[63] == 59);
	KTAP_EXPECT(ndiv_frame_intact(&t.f, t.buf, PKT_BUF));
}

static void vlan_restore_without_room_fails(void)
{
	pkt_frame(&t, 60);
	ndiv_frame_push(&t.f, t.f.headroom - 3);
	t.f.flags = NDIV_F_VLAN_STRIPPED;
	KTAP_EXPECT(ndiv_frame_vlan_restore(&t.f) == -1);
	KTAP_EXPECT(t.f.headroom == 3 && t.f.flags == NDIV_F_VLAN_STRIPPED);
	pkt_frame(&t, 11);				/* no MAC header */
	t.f.flags = NDIV_F_VLAN_STRIPPED;
	KTAP_EXPECT(ndiv_frame_vlan_restore(&t.f) == -1 && t.f.len == 11);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(push_within_headroom),
		KTAP_CASE(push_beyond_headroom_fails),
		KTAP_CASE(pull_and_trim_bounds),
		KTAP_CASE(put_within_tailroom),
		KTAP_CASE(intact_after_helpers),
		KTAP_CASE(broken_geometry_detected),
		KTAP_CASE(vlan_restore_inserts_tag),
		KTAP_CASE(vlan_restore_without_room_fails),
	};

	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
	return ktap_finish();
}
