/**
 * dskit-style hash rings: instances own random 32-bit tokens and heartbeat into a ring descriptor
 * ({@code flarestack.ring.v1.RingDesc}) kept in a {@link io.flarestack.common.ring.kv.KvStore}.
 * {@link io.flarestack.common.ring.Lifecycler} is an instance's write side (join, heartbeat,
 * leave); {@link io.flarestack.common.ring.Ring} is the read side that maps a token from
 * {@link io.flarestack.common.ring.RingHash} to a {@link io.flarestack.common.ring.ReplicationSet}
 * with dskit's quorum rules.
 */
package io.flarestack.common.ring;
