// The config refuses these as slot names: the registry's own members answer to them.
import { RESERVED_SLOT_NAMES } from "../config/index.js";
import { RuntimeUsageError } from "../errors.js";
import type { ChatModel } from "../models/index.js";


class ModelRegistryBase {
  readonly #models: ReadonlyMap<string, ChatModel>;

  constructor(models: ReadonlyMap<string, ChatModel>) {
    this.#models = models;
  }

  /** The configured slot names, in config order. */
  keys(): string[] {
    return [...this.#models.keys()];
  }

  has(name: string): boolean {
    return this.#models.has(name);
  }

  get size(): number {
    return this.#models.size;
  }

  /** The model in slot `name`; an unknown slot throws, listing the slots there are. */
  get(name: string): ChatModel {
    const model = this.#models.get(name);
    if (model === undefined) {
      const available = this.keys();
      throw new RuntimeUsageError(
        `no model slot "${name}"; available: ${available.length > 0 ? available.join(", ") : "(none configured)"}`,
      );
    }
    return model;
  }

  toJSON(): Record<string, { provider: string; model: string }> {
    return Object.fromEntries([...this.#models].map(([name, m]) => [name, { provider: m.provider, model: m.modelName }]));
  }
}

/**
 * The model slots of `agentapp.yaml`, reachable as `runtime.models.main` or
 * `runtime.models["main"]`.
 */
export type ModelRegistry = ModelRegistryBase & { readonly [slot: string]: ChatModel };

export function createModelRegistry(models: ReadonlyMap<string, ChatModel>): ModelRegistry {
  const base = new ModelRegistryBase(models);
  return new Proxy(base, {
    get(target, property) {
      // Symbols, the registry's own members and private-looking names are never slots.
      if (typeof property === "symbol" || RESERVED_SLOT_NAMES.has(property) || property in target) {
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      }
      if (property.startsWith("_")) return undefined;
      return target.get(property);
    },
    has(target, property) {
      return typeof property === "string" ? target.has(property) : false;
    },
    ownKeys(target) {
      return target.keys();
    },
    getOwnPropertyDescriptor(target, property) {
      if (typeof property !== "string" || !target.has(property)) return undefined;
      return { value: target.get(property), enumerable: true, configurable: true, writable: false };
    },
  }) as ModelRegistry;
}
