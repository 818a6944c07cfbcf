/** Which Ed25519 implementation backs a key: `native` is node:crypto, `noble` is @noble/ed25519. */
export type Ed25519Impl = "native" | "noble";

/** A fresh key pair: PKCS#8 PEM private key and SPKI PEM public key (RFC 8410). */
export interface KeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A parsed private key. Import once and reuse: parsing is the slow part. */
export interface SigningKey {
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A parsed public key. The native one answers synchronously, which keeps the server's hot path short. */
export interface VerifyKey {
  verify(signature: Uint8Array, data: Uint8Array): Promise<boolean> | boolean;
  /**
   * The same answer, computed on libuv's thread pool instead of the calling thread (native keys
   * only). A lone verify is quicker inline (the hand-over costs more than it saves); a server
   * with other requests waiting on its event loop gains a core.
   */
  verifyOffThread?(signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}
