(module
  (memory (export "memory") 1)
  ;; out[s] = dot(rows[s], q) for s in [0, count): rows (count x dim f32, row-major) at $rows, q at $q,
  ;; out at $out; dim a multiple of 4. Two f32x4 accumulators per row.
  (func (export "scores") (param $rows i32) (param $q i32) (param $dim i32) (param $count i32) (param $out i32)
    (local $s i32) (local $a v128) (local $b v128) (local $end i32) (local $qp i32) (local $half i32)
    (block $done
      (loop $each_row
        (br_if $done (i32.ge_u (local.get $s) (local.get $count)))
        (local.set $a (v128.const i32x4 0 0 0 0))
        (local.set $b (v128.const i32x4 0 0 0 0))
        (local.set $qp (local.get $q))
        (local.set $end (i32.add (local.get $rows) (i32.shl (local.get $dim) (i32.const 2))))
        (block $row_done
          (loop $pairs
            (br_if $row_done (i32.gt_u (i32.add (local.get $rows) (i32.const 32)) (local.get $end)))
            (local.set $a (f32x4.add (local.get $a)
              (f32x4.mul (v128.load (local.get $rows)) (v128.load (local.get $qp)))))
            (local.set $b (f32x4.add (local.get $b)
              (f32x4.mul (v128.load offset=16 (local.get $rows)) (v128.load offset=16 (local.get $qp)))))
            (local.set $rows (i32.add (local.get $rows) (i32.const 32)))
            (local.set $qp (i32.add (local.get $qp) (i32.const 32)))
            (br $pairs)))
        (if (i32.lt_u (local.get $rows) (local.get $end))
          (then
            (local.set $a (f32x4.add (local.get $a)
              (f32x4.mul (v128.load (local.get $rows)) (v128.load (local.get $qp)))))
            (local.set $rows (i32.add (local.get $rows) (i32.const 16)))))
        (local.set $a (f32x4.add (local.get $a) (local.get $b)))
        (f32.store (local.get $out)
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
            (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $each_row))))
)
