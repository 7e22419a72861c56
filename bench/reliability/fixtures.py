"""Small bad inputs for probes.sh, written into the current folder."""
import json
import os

open('sft.jsonl', 'w').write('{"id":"a","input_ids":[2,5,2],"labels":[-100,5,2]}\n')
good = '{"id":"ok","conversations":[{"from":"user","value":"u"},{"from":"assistant","value":"a"}]}'
open('latin1.jsonl', 'wb').write((good + "\n").encode() + good.replace('"u"', '"caf\xe9"').encode('latin-1') + b"\n")
open('strict.jsonl', 'w').write(good + "\n" + '{"id":"noconv"}\n')
open('empty.jsonl', 'w').write('')
open('notjson.jsonl', 'w').write('hello world\n')
ids = ",".join(str(500 + i % 300) for i in range(200))
open('long.jsonl', 'w').write('{"id":"long","input_ids":[%s],"labels":[%s]}\n{"id":"s","input_ids":[2,5,6,2],"labels":[2,5,6,2]}\n' % (ids, ids))
open('bigid.jsonl', 'w').write('{"id":"x","input_ids":[2,999999,2],"labels":[2,999999,2]}\n')
ids2 = ",".join(str(500 + i % 300) for i in range(40))
open('train.jsonl', 'w').write("".join('{"id":"e%d","input_ids":[%s],"labels":[%s]}\n' % (k, ids2, ids2) for k in range(8)))
json.dump([{"query": "q", "query_id": "../ESCAPED", "api_list": [{"category_name": "a", "tool_name": "b", "api_name": "c"}]}],
          open('evil_queries.json', 'w'))
open('notjson_queries.json', 'w').write('{"query": ')
os.makedirs('conv_trunc', exist_ok=True)
open('conv_trunc/G1_instruction.json', 'w').write('{"1": {"query": "q", "avail')
os.makedirs('badids', exist_ok=True)
open('badids/G1_instruction.json', 'w').write('{"1": ')
os.makedirs('ro', exist_ok=True)
